package org.kmemlab.examples;

import java.io.PrintStream;
import org.kmemlab.api.Machine;
import org.kmemlab.api.MachineProfile;
import org.kmemlab.api.Sizes;

/**
 * The {@code kmemlab} command: boots a simulated machine and shows its memory layout and boot log.
 *
 * <pre>
 * kmemlab [tour|info] [--profile i386|x86_64] [--ram SIZE]
 * </pre>
 * Both commands boot the machine and print its layout and boot log.
 */
public final class Main {

    private Main() {
    }

    /** Runs the command; exits with 2 on a usage error. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command with the given streams and returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        MachineProfile profile = MachineProfile.I386_LINUX_2_0;
        Long ram = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "tour", "info" -> {
                        if (i != 0) {
                            throw new IllegalArgumentException("the command '" + args[i] + "' must come first");
                        }
                    }
                    case "--profile" -> profile = parseProfile(value(args, ++i, "--profile"));
                    case "--ram" -> ram = Sizes.parse(value(args, ++i, "--ram"));
                    case "-h", "--help" -> {
                        out.println("Usage: kmemlab [tour|info] [--profile i386|x86_64] [--ram SIZE]");
                        out.println("Boots a simulated machine and prints its memory layout and boot log.");
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i]
                            + "'; try --help");
                }
            }
            Machine machine = ram == null ? Machine.boot(profile) : Machine.boot(profile, ram);
            machine.bootMemory().retire();
            out.print(machine.layout());
            out.println();
            out.print(machine.dmesg().text());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("kmemlab: " + e.getMessage());
            return 2;
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static MachineProfile parseProfile(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "i386", "linux-2.0", "i386_linux_2_0" -> MachineProfile.I386_LINUX_2_0;
            case "x86_64", "x86-64", "modern" -> MachineProfile.X86_64;
            default -> throw new IllegalArgumentException("unknown profile '" + name + "'; use i386 or x86_64");
        };
    }
}
