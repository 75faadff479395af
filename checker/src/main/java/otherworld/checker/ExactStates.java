package otherworld.checker;

import java.util.Arrays;
import java.util.HashSet;

/**
 * Whole states (their canonical words) kept on the heap, for {@code --exact}: a search that cannot
 * miss a state through a fingerprint collision. Only for small runs: a state costs its words plus
 * about 60 bytes of overhead.
 */
final class ExactStates {
    private static final class Key {
        final int[] words;
        final int hash;

        Key(int[] words) {
            this.words = words;
            this.hash = Arrays.hashCode(words);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && Arrays.equals(words, ((Key) o).words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final HashSet<Key> set = new HashSet<>();

    synchronized boolean add(int[] canonical) {
        return set.add(new Key(canonical));
    }

    synchronized long size() {
        return set.size();
    }
}
