package org.optopt.backend.nd4j;

/**
 * Lets this module read the class-path (unnamed) module of its class loader, where ND4J and
 * JavaCPP live: their jars carry broken module descriptors and cannot be named modules. Every
 * class that touches ND4J or JavaCPP calls {@link #open()} in its static initializer, before
 * any of their classes is resolved.
 */
final class ClassPathAccess {
    private ClassPathAccess() {}

    /** Adds the read edge (idempotent; a no-op when this code itself runs on the class path). */
    static void open() {
        Module self = ClassPathAccess.class.getModule();
        ClassLoader loader = ClassPathAccess.class.getClassLoader();
        self.addReads(loader == null ? ClassLoader.getSystemClassLoader().getUnnamedModule() : loader.getUnnamedModule());
    }
}
