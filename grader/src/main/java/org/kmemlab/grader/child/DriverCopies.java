package org.kmemlab.grader.child;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Loads a private copy of {@link WorkloadDriver} (and the page source it uses) for one implementation:
 * the same bytes defined again by a class loader of its own, so the copy has its own JIT profile.
 */
final class DriverCopies extends ClassLoader {

    private static final String DRIVER = WorkloadDriver.class.getName();
    private static final String[] COPIED = {DRIVER, SplittingPageSource.class.getName()};

    private DriverCopies(ClassLoader parent) {
        super("kmemlab-workload-driver", parent);
    }

    /** One implementation's rounds, run through its own copy of the driver. */
    interface Round {
        /** Runs one round and returns its nanoseconds. */
        long run();
    }

    /** Returns rounds of {@code ops} on {@code provider} through a fresh copy of the driver. */
    static Round load(String spi, Object provider, Object pageProvider, int[] ops) {
        Method round;
        try {
            Class<?> copy = new DriverCopies(WorkloadDriver.class.getClassLoader()).loadClass(DRIVER);
            round = copy.getMethod("round", String.class, Object.class, Object.class, int[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("cannot copy the workload driver", e);
        }
        return () -> {
            try {
                return (Long) round.invoke(null, spi, provider, pageProvider, ops);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot run the workload driver", e);
            }
        };
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null && copied(name)) {
                byte[] bytes = bytesOf(name);
                loaded = defineClass(name, bytes, 0, bytes.length);
            }
            if (loaded == null) {
                return super.loadClass(name, resolve);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private static boolean copied(String name) {
        for (String c : COPIED) {
            if (name.equals(c) || name.startsWith(c + "$")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytesOf(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = WorkloadDriver.class.getModule().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
