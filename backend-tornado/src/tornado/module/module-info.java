/**
 * The TornadoVM backend with its device code (the {@code tornadovm} Maven profile). TornadoVM is
 * a static requirement: the module resolves without the SDK (the provider then reports the backend
 * unavailable) and reads TornadoVM when optopt runs with the SDK's argfile.
 */
module org.optopt.backend.tornado {
    requires org.optopt.api;
    requires static tornado.api;
    requires java.compiler;

    opens org.optopt.backend.tornado.device to tornado.runtime;

    provides org.optopt.api.backend.BackendProvider with org.optopt.backend.tornado.TornadoBackendProvider;
}
