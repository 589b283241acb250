package org.optopt.api.kernel;

/** Validation of the names used in kernels. */
final class Names {
    private Names() {}

    static void require(String name, String kind) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A " + kind + " name must not be blank");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '\'' || c == '#'
                    || c == '@' || c == '$';
            if (!ok) {
                throw new IllegalArgumentException(
                        "Invalid " + kind + " name '" + name + "': character '" + c + "' is not allowed");
            }
        }
    }
}
