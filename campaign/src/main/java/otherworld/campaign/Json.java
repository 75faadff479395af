package otherworld.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The little JSON the campaign writes and reads back: objects, arrays, strings, numbers, booleans, null. */
final class Json {
    private Json() { }

    static final class Writer {
        private final StringBuilder b = new StringBuilder("{");

        private Writer key(String k) {
            if (b.length() > 1) b.append(',');
            quote(b, k);
            b.append(':');
            return this;
        }

        Writer field(String k, String v) {
            key(k);
            if (v == null) b.append("null");
            else quote(b, v);
            return this;
        }

        Writer field(String k, long v) {
            key(k).b.append(v);
            return this;
        }

        Writer field(String k, boolean v) {
            key(k).b.append(v);
            return this;
        }

        Writer field(String k, List<?> v) {
            key(k).b.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) b.append(',');
                Object o = v.get(i);
                if (o instanceof Number) b.append(o);
                else quote(b, String.valueOf(o));
            }
            b.append(']');
            return this;
        }

        Writer raw(String k, String json) {
            key(k).b.append(json);
            return this;
        }

        String end() { return b + "}"; }
    }

    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    static Object parse(String s) {
        Parser p = new Parser(s);
        Object v = p.value();
        p.ws();
        if (p.i != s.length()) throw p.error("trailing characters");
        return v;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) { this.s = s; }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at " + i + ": " + what);
        }

        void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

        char peek() {
            ws();
            if (i >= s.length()) throw error("unexpected end");
            return s.charAt(i);
        }

        void expect(char c) {
            if (peek() != c) throw error("expected " + c);
            i++;
        }

        Object value() {
            char c = peek();
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                if (peek() == '}') {
                    i++;
                    return m;
                }
                do {
                    String k = string();
                    expect(':');
                    m.put(k, value());
                } while (comma('}'));
                return m;
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                if (peek() == ']') {
                    i++;
                    return l;
                }
                do l.add(value()); while (comma(']'));
                return l;
            }
            if (c == '"') return string();
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw error("unexpected " + c);
            String num = s.substring(start, i);
            return num.contains(".") || num.contains("e") || num.contains("E") ? (Object) Double.parseDouble(num)
                    : (Object) Long.parseLong(num);
        }

        boolean comma(char close) {
            char c = peek();
            i++;
            if (c == ',') return true;
            if (c == close) return false;
            throw error("expected , or " + close);
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }
    }
}
