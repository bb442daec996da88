import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import org.kmemlab.api.Gfp;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.kmalloc.Kernel;

/** The kmalloc pair loop, loaded once per jar; apply(n) runs n pairs and returns thread-CPU ns per pair. */
public class PairRunner implements IntToDoubleFunction {
    final Kernel k = Kernel.builder().systemProperties(new Properties()).profile(MachineProfile.X86_64)
            .ram(1L << 30).boot();
    final int live = 10_000, seq = 1 << 16;
    final int[] sizes = new int[seq], slots = new int[seq];
    final long[] objs = new long[live];
    final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int step;
    public long sink;

    public PairRunner() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < seq; i++) {
            int low = 4 << r.nextInt(10);
            sizes[i] = low + r.nextInt(low + 1);
            slots[i] = r.nextInt(live);
        }
        for (int i = 0; i < live; i++) {
            objs[i] = k.kmalloc(sizes[i], Gfp.GFP_KERNEL);
        }
    }

    @Override
    public double applyAsDouble(int pairs) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int n = 0; n < pairs; n++) {
            int i = step++ & (seq - 1);
            k.kfree(objs[slots[i]]);
            long p = k.kmalloc(sizes[i], Gfp.GFP_KERNEL);
            objs[slots[i]] = p;
            sink += p;
        }
        return (mx.getCurrentThreadCpuTime() - t0) / (double) pairs;
    }
}
