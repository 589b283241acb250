package org.optopt.backend.tornado;

/**
 * The copies between host and device memory that a device backend has made, so that tests and
 * benchmarks can check and report them beside the compute time.
 */
public interface DeviceTransfers {

    /** The copies made since the backend was created. */
    Counts transfers();

    /**
     * Copy counts and their sizes. A copy is one tensor (or one kernel's buffer table, or one
     * kernel's reduction terms) moved as a whole; the few uniform scalars a kernel run uploads are
     * not counted.
     *
     * @param toDevice host-to-device copies
     * @param toDeviceBytes their bytes
     * @param toHost device-to-host copies
     * @param toHostBytes their bytes
     */
    record Counts(long toDevice, long toDeviceBytes, long toHost, long toHostBytes) {
        /** The copies made since {@code earlier} was taken. */
        public Counts since(Counts earlier) {
            return new Counts(toDevice - earlier.toDevice, toDeviceBytes - earlier.toDeviceBytes,
                    toHost - earlier.toHost, toHostBytes - earlier.toHostBytes);
        }
    }
}
