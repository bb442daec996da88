import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/** A/B in one JVM: each jar in its own class loader, batches alternated, thread CPU time per pair. */
public class AB {
    public static void main(String[] args) throws Exception {
        IntToDoubleFunction a = load(args[0]);
        IntToDoubleFunction b = load(args[1]);
        int batches = Integer.parseInt(args[2]);
        int pairs = 200_000;
        for (int w = 0; w < 15; w++) {
            a.applyAsDouble(pairs);
            b.applyAsDouble(pairs);
        }
        double[] ra = new double[batches], rb = new double[batches], ratio = new double[batches];
        for (int i = 0; i < batches; i++) {
            if ((i & 1) == 0) {
                ra[i] = a.applyAsDouble(pairs);
                rb[i] = b.applyAsDouble(pairs);
            } else {
                rb[i] = b.applyAsDouble(pairs);
                ra[i] = a.applyAsDouble(pairs);
            }
            ratio[i] = rb[i] / ra[i];
        }
        Arrays.sort(ra);
        Arrays.sort(rb);
        Arrays.sort(ratio);
        System.out.printf("A median %.2f ns/pair (p25 %.2f), B median %.2f (p25 %.2f), B/A median of paired ratios %.3f (p25 %.3f p75 %.3f)%n",
                ra[batches / 2], ra[batches / 4], rb[batches / 2], rb[batches / 4], ratio[batches / 2], ratio[batches / 4],
                ratio[3 * batches / 4]);
    }

    static IntToDoubleFunction load(String jar) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL(),
                Path.of(System.getProperty("ab.runner", "runner/")).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return (IntToDoubleFunction) loader.loadClass("PairRunner").getConstructor().newInstance();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
