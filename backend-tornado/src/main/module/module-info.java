/**
 * The TornadoVM backend without TornadoVM: its provider reports the backend unavailable, saying
 * why. The {@code tornadovm} Maven profile compiles the device code with the descriptor of
 * {@code src/tornado/module} instead.
 */
module org.optopt.backend.tornado {
    requires org.optopt.api;

    provides org.optopt.api.backend.BackendProvider with org.optopt.backend.tornado.TornadoBackendProvider;
}
