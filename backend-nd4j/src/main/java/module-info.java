/**
 * The default CPU backend, {@code nd4j}: tensors are heap {@code float[]}, elementwise kernels are
 * compiled to one fused JVM loop per kernel (a hidden class generated with the ClassFile API),
 * and matrix products run on the OpenBLAS bundled with ND4J, called through the FFM API.
 *
 * <p>ND4J and JavaCPP stay on the class path (their module descriptors are broken); this module
 * reads the unnamed module at run time. Launchers need
 * {@code --enable-native-access=org.optopt.backend.nd4j,ALL-UNNAMED}.
 *
 * <p>Kernels with sums run in Vector API loops where the JVM has {@code jdk.incubator.vector}, an
 * incubator module, and their scalar loops otherwise. The dependence is {@code static}: the module is
 * resolved only where a launcher adds it ({@code --add-modules jdk.incubator.vector}), as
 * {@code bin/optopt} does unless {@code OPTOPT_VECTOR=0}; the JVM then prints "WARNING: Using
 * incubator modules: jdk.incubator.vector" on stderr at every start, which no option silences and
 * {@code bin/optopt} filters out.
 */
module org.optopt.backend.nd4j {
    requires org.optopt.api;
    requires jdk.unsupported;
    requires static jdk.incubator.vector;

    provides org.optopt.api.backend.BackendProvider with org.optopt.backend.nd4j.Nd4jBackendProvider;
    provides org.optopt.api.bench.IncumbentProvider with org.optopt.backend.nd4j.Nd4jIncumbentProvider;
}
