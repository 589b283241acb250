/** The TornadoVM backend: reports itself unavailable until TornadoVM can be obtained. */
module org.optopt.backend.tornado {
    requires org.optopt.api;

    provides org.optopt.api.backend.BackendProvider with org.optopt.backend.tornado.TornadoBackendProvider;
}
