package org.kmemlab.grader.child;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kmemlab.api.Dmesg;
import org.kmemlab.api.Machine;
import org.kmemlab.api.PhysicalMemory;

/**
 * The machines both sides keep a replica of, and the changes that travel with every frame.
 *
 * <h2>Where the simulated memory lives</h2>
 * Everywhere it is used. The contract (in the grader) writes patterns into live blocks and reads them
 * back; the allocator (in the submission's JVM) keeps free lists in free memory, zeroes
 * {@code __GFP_ZERO} objects and may, when it is wrong, write over a live block. Forwarding every single
 * read and write across processes would cost a round trip per byte access, so each side keeps a full
 * replica of the machine's memory instead, records which 256-byte blocks it writes
 * ({@link PhysicalMemory#trackWrites()}), and sends those blocks with its next frame. Calls alternate
 * between the sides on a lane, so when a call arrives, the caller's writes are already in place; when
 * the answer arrives, the callee's are. What a submission writes is data, never a verdict: the contract
 * reads it back and judges it.
 *
 * <p>The child also sends the dmesg lines its machines logged (a zone allocator reports allocation
 * failures there), so the contract sees them on its own machine.
 *
 * <p>Machines are numbered by the grader; the child boots its replica when told to. Each side applies
 * received blocks with {@link PhysicalMemory#writeReplicated}, which does not record them as written, so
 * nothing echoes back.
 */
public final class Replicas {

    private final boolean sendsDmesg;
    private final Map<Integer, Replica> machines = new LinkedHashMap<>();
    private final byte[] block = new byte[PhysicalMemory.TRACKED_BLOCK];

    private static final class Replica {
        final Machine machine;
        long dmesgSent;

        Replica(Machine machine) {
            this.machine = machine;
            this.dmesgSent = machine.dmesg().nextSequence();
        }
    }

    /**
     * Creates an empty set of replicas.
     *
     * @param sendsDmesg true on the child's side: new dmesg lines travel from the child to the grader
     */
    public Replicas(boolean sendsDmesg) {
        this.sendsDmesg = sendsDmesg;
    }

    /** Adds {@code machine} as number {@code handle} and starts tracking its writes. */
    public synchronized void add(int handle, Machine machine) {
        machine.memory().trackWrites();
        machines.put(handle, new Replica(machine));
    }

    /** Forgets machine {@code handle}; blocks that still arrive for it are read and dropped. */
    public synchronized void remove(int handle) {
        machines.remove(handle);
    }

    /** Returns machine {@code handle}, or null. */
    public synchronized Machine get(int handle) {
        Replica r = machines.get(handle);
        return r == null ? null : r.machine;
    }

    /** Returns the number of {@code machine}, or -1 when it is not replicated. */
    public synchronized int handleOf(Machine machine) {
        for (Map.Entry<Integer, Replica> e : machines.entrySet()) {
            if (e.getValue().machine == machine) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** Writes the blocks written (and dmesg lines logged) since the last call, ending with handle -1. */
    synchronized void writeChanges(DataOutputStream out) throws IOException {
        for (Map.Entry<Integer, Replica> e : machines.entrySet()) {
            Replica r = e.getValue();
            PhysicalMemory memory = r.machine.memory();
            boolean headerSent = false;
            for (int word = memory.nextWrittenWord(0); word >= 0; word = memory.nextWrittenWord(word + 1)) {
                long bits = memory.takeWritten(word);
                while (bits != 0) {
                    long blockIndex = ((long) word << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    if (!headerSent) {
                        out.writeInt(e.getKey());
                        headerSent = true;
                    }
                    long phys = blockIndex << PhysicalMemory.TRACKED_SHIFT;
                    int length = (int) Math.min(block.length, memory.size() - phys);
                    memory.read(phys, block, 0, length);
                    out.writeLong(blockIndex);
                    out.writeShort(length);
                    out.write(block, 0, length);
                }
            }
            List<Dmesg.Entry> lines = List.of();
            if (sendsDmesg && r.machine.dmesg().nextSequence() != r.dmesgSent) {
                lines = r.machine.dmesg().entriesAfter(r.dmesgSent - 1);
                r.dmesgSent = r.machine.dmesg().nextSequence();
            }
            if (!headerSent && lines.isEmpty()) {
                continue;
            }
            if (!headerSent) {
                out.writeInt(e.getKey());
            }
            out.writeLong(-1);
            out.writeInt(lines.size());
            for (Dmesg.Entry line : lines) {
                out.writeByte(line.level().ordinal());
                String text = line.text();
                out.writeUTF(text.length() > 8000 ? text.substring(0, 8000) : text);
            }
        }
        out.writeInt(-1);
    }

    /** Reads what {@link #writeChanges} wrote on the other side and applies it. */
    void readChanges(DataInputStream in) throws IOException {
        byte[] buffer = new byte[PhysicalMemory.TRACKED_BLOCK];
        for (int handle = in.readInt(); handle != -1; handle = in.readInt()) {
            Machine machine = get(handle);
            for (long blockIndex = in.readLong(); blockIndex != -1; blockIndex = in.readLong()) {
                int length = in.readUnsignedShort();
                if (length > buffer.length || blockIndex < 0) {
                    throw new Wire.OutOfStep("a memory block of " + length + " bytes at block " + blockIndex
                            + " (the channel is out of step)");
                }
                in.readFully(buffer, 0, length);
                long phys = blockIndex << PhysicalMemory.TRACKED_SHIFT;
                if (machine != null && phys + length <= machine.memory().size()) {
                    machine.memory().writeReplicated(phys, buffer, 0, length);
                }
            }
            int lines = in.readInt();
            if (lines < 0 || lines > Dmesg.DEFAULT_CAPACITY * 16) {
                throw new Wire.OutOfStep(lines + " dmesg lines in one frame (the channel is out of step)");
            }
            List<Dmesg.Level> levels = List.of(Dmesg.Level.values());
            for (int i = 0; i < lines; i++) {
                int level = in.readUnsignedByte();
                String text = in.readUTF();
                if (machine != null && level < levels.size()) {
                    machine.dmesg().printk(levels.get(level), text);
                }
            }
        }
    }
}
