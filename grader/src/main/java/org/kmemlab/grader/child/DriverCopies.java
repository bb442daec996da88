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
        /** Boots a fresh machine and allocator (not measured). */
        void prepare();

        /** Generates the round's sequence from {@code seed}, then boots as {@link #prepare()} does. */
        void prepare(long seed);

        /** Runs the operations and returns what each returned. */
        long[] run();

        /** Runs the operations again on the last round's allocator (see {@code WorkloadDriver#runAgain}). */
        long[] runAgain();
    }

    /** Returns rounds of {@code ops} on {@code provider} through a fresh copy of the driver. */
    static Round load(String spi, Object provider, Object pageProvider, int[] ops) {
        Object driver;
        Method prepare;
        Method prepareSeeded;
        Method run;
        Method runAgain;
        try {
            Class<?> copy = new DriverCopies(WorkloadDriver.class.getClassLoader()).loadClass(DRIVER);
            driver = copy.getConstructor(String.class, Object.class, Object.class, int[].class)
                    .newInstance(spi, provider, pageProvider, ops);
            prepare = copy.getMethod("prepare");
            prepareSeeded = copy.getMethod("prepare", long.class);
            run = copy.getMethod("run");
            runAgain = copy.getMethod("runAgain");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy the workload driver", e);
        }
        return new Round() {
            @Override
            public void prepare() {
                invoke(prepare, driver);
            }

            @Override
            public void prepare(long seed) {
                invoke(prepareSeeded, driver, seed);
            }

            @Override
            public long[] run() {
                return (long[]) invoke(run, driver);
            }

            @Override
            public long[] runAgain() {
                return (long[]) invoke(runAgain, driver);
            }
        };
    }

    private static Object invoke(Method method, Object driver, Object... args) {
        try {
            return method.invoke(driver, args);
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
