package org.kmemlab.examples.lessons;

import java.util.Locale;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;

/**
 * A simulated ISA DMA controller (the PC's 8237) for the DMA lesson: it moves bytes between a device
 * and physical memory without the CPU, and it has the 8237's two limits.
 * <ul>
 *   <li>It has 24 address lines: it reaches only the first 16 MiB ({@code MAX_DMA_ADDRESS}).</li>
 *   <li>On channels 0–3 the low 16 bits of the address count up and the bits above come from a page
 *       register that does not change during a transfer: a transfer must not cross a 64 KiB boundary
 *       ({@link #cross64k}, the floppy driver's {@code CROSS_64KB}).</li>
 * </ul>
 * A driver programs a transfer with {@link #program}; the controller refuses one it cannot do, and
 * {@link #deviceToMemory} then copies the device's data into memory as the hardware would.
 */
final class IsaDmaController {

    /** The highest physical address the controller reaches, plus one: 16 MiB. */
    static final long LIMIT = MachineProfile.MAX_DMA_ADDRESS;
    /** The boundary a transfer on channels 0–3 must not cross. */
    static final long WINDOW = 64 * 1024;

    private final Machine machine;
    private long address = -1;
    private long count;

    IsaDmaController(Machine machine) {
        this.machine = machine;
    }

    /**
     * Returns true when {@code [a, a + s)} crosses a 64 KiB boundary: the floppy driver's
     * {@code #define CROSS_64KB(a,s) (((unsigned long)(a)/K_64) != ((unsigned long)(a) + (s) - 1) / K_64)}.
     */
    static boolean cross64k(long a, long s) {
        return a / WINDOW != (a + s - 1) / WINDOW;
    }

    /**
     * Programs a device-to-memory transfer of {@code bytes} bytes to physical address {@code phys}.
     *
     * @return null when the controller accepts it, otherwise why it cannot do it
     */
    String program(long phys, long bytes) {
        address = -1;
        if (phys + bytes > LIMIT) {
            return String.format(Locale.ROOT, "DMA address 0x%x-0x%x is beyond the controller's 16 MiB reach", phys,
                    phys + bytes - 1);
        }
        if (cross64k(phys, bytes)) {
            return String.format(Locale.ROOT, "DMA crossing 64-K boundary 0x%x-0x%x", phys, phys + bytes - 1);
        }
        address = phys;
        count = bytes;
        return null;
    }

    /** The device sends {@code data}: the controller writes it to the programmed memory. */
    void deviceToMemory(byte[] data) {
        if (address < 0 || data.length > count) {
            throw new IllegalStateException("no transfer of " + data.length + " bytes is programmed");
        }
        machine.memory().write(address, data, 0, data.length);
        address = -1;
    }
}
