package org.optopt.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which limit a streaming benchmark measures: a workload whose footprint fits well inside the last-level
 * cache (LLC) is bounded by cache bandwidth, one well beyond it by memory (DRAM) bandwidth, and one in
 * between by neither cleanly. The LLC's size is read from Linux's {@code /sys/devices/system/cpu/cpu0/cache}
 * (the highest cache level listed); elsewhere it is assumed to be {@value #ASSUMED_BYTES} bytes, and said so.
 *
 * @param lastLevelCacheBytes the size of the last-level cache
 * @param detected whether that size was read from the system rather than assumed
 */
record MemoryLevel(long lastLevelCacheBytes, boolean detected) {
    /** The LLC size assumed where the system does not say (32 MiB, a common server L3 slice). */
    static final long ASSUMED_BYTES = 32L << 20;
    /** The largest default size of the beyond-the-LLC run: 100M parameters (1.6 GB for Adam's 4 buffers). */
    static final int MAX_DEFAULT_PARAMETERS = 100_000_000;

    /** The LLC of this machine. */
    static MemoryLevel detect() {
        return detect(Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    /** The LLC described by a sysfs cache folder ({@code index*}/{@code level}, {@code size} such as {@code 16384K}). */
    static MemoryLevel detect(Path cacheFolder) {
        try (Stream<Path> indices = Files.list(cacheFolder)) {
            int bestLevel = 0;
            long bestSize = 0;
            for (Path index : indices.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                int level = Integer.parseInt(Files.readString(index.resolve("level")).strip());
                long size = parseSize(Files.readString(index.resolve("size")).strip());
                if (level > bestLevel || (level == bestLevel && size > bestSize)) {
                    bestLevel = level;
                    bestSize = size;
                }
            }
            return bestSize > 0 ? new MemoryLevel(bestSize, true) : new MemoryLevel(ASSUMED_BYTES, false);
        } catch (IOException | RuntimeException e) {
            return new MemoryLevel(ASSUMED_BYTES, false);
        }
    }

    private static long parseSize(String text) {
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        long scale = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(Character.isDigit(unit) ? text : text.substring(0, text.length() - 1)) * scale;
    }

    /** What a run over {@code footprintBytes} of memory measures, in words. */
    String regime(long footprintBytes) {
        if (2 * footprintBytes <= lastLevelCacheBytes) {
            return "cache-resident: measures cache bandwidth";
        }
        if (footprintBytes >= 2 * lastLevelCacheBytes) {
            return "beyond the LLC: measures memory bandwidth";
        }
        return "straddles the LLC: measures neither limit cleanly";
    }

    /**
     * The default sizes of a benchmark whose workload occupies {@code footprintBytesPerParameter} bytes per
     * parameter: one cache-resident (a quarter of the LLC) and one beyond it (eight times the LLC, at
     * least 4M and at most {@value #MAX_DEFAULT_PARAMETERS} parameters).
     */
    List<Integer> defaultSizes(int footprintBytesPerParameter) {
        long resident = Math.max(1024, lastLevelCacheBytes / 4 / footprintBytesPerParameter);
        long beyond = Math.clamp(8 * lastLevelCacheBytes / footprintBytesPerParameter, 4_000_000L, MAX_DEFAULT_PARAMETERS);
        return List.of((int) resident, (int) beyond);
    }

    /** A line describing the LLC, e.g. {@code last-level cache 16 MiB (from /sys)}. */
    String describe() {
        return "last-level cache " + (lastLevelCacheBytes >> 20) + " MiB" + (detected ? " (from /sys)" : " (assumed: not reported)");
    }
}
