package org.optopt.cli;

import com.google.inject.ConfigurationException;
import com.google.inject.Injector;
import picocli.CommandLine;

/** Lets picocli obtain commands from Guice, so commands declare what they need by injection. */
final class GuiceFactory implements CommandLine.IFactory {
    private final Injector injector;

    GuiceFactory(Injector injector) {
        this.injector = injector;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        try {
            return injector.getInstance(cls);
        } catch (ConfigurationException e) {
            // picocli's own helper types (converters, collections) are not Guice-injectable.
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
