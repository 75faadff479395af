package otherworld.cli;

/** Sizes as users write them: 1048576, 64K, 256M, 1G (powers of 1024). */
final class Sizes {
    private Sizes() { }

    /** The size in bytes, or -1 when s is not a size. */
    static long parse(String s) {
        if (s == null || s.isEmpty()) return -1;
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) return -1;
        return Long.parseLong(digits) << shift;
    }
}
