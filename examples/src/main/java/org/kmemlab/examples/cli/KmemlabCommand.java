package org.kmemlab.examples.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kmemlab.api.bug.KernelBug;
import org.kmemlab.api.spi.ProviderLookupException;
import org.kmemlab.examples.trace.TraceFormatException;
import org.kmemlab.grader.GradeMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The root of the {@code kmemlab} command line: its subcommands, and the one place where errors become
 * a line of text and an exit status.
 *
 * <h2>Errors</h2>
 * A mistake of the user (an unknown option, a file that does not exist, a malformed trace, an unknown
 * provider name) is printed as one line, {@code kmemlab: what went wrong}, and the exit status is 2. A
 * {@link KernelBug} that escapes a command is a bug in kmemlab or in an installed allocator: its kernel
 * report is printed and the status is 1. Anything else is an internal error and keeps its stack trace,
 * because then the stack trace is what a bug report needs.
 */
@Command(name = "kmemlab", mixinStandardHelpOptions = true, versionProvider = KmemlabCommand.Version.class,
        description = {"A simulated Linux machine whose kernel memory allocators you can read, change and test.",
            "With no command, runs the tour."},
        subcommands = {TourCommand.class, LessonCommand.class, ExperimentCommand.class, ReplayCommand.class,
            MapCommand.class, InfoCommand.class, CompareCommand.class, GradeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'kmemlab COMMAND --help' for the options of one command.",
            "Exit status: 0 success, 1 the work failed, 2 a mistake on the command line or in an input file."})
public final class KmemlabCommand {

    /** Exit status for a mistake of the user. */
    public static final int USAGE = 2;
    /** Exit status when the work itself failed. */
    public static final int FAILED = 1;

    private final boolean interactive;

    private KmemlabCommand(boolean interactive) {
        this.interactive = interactive;
    }

    /** Returns true when progress bars may be drawn (standard error is a terminal). */
    boolean interactive() {
        return interactive;
    }

    /**
     * Parses {@code args}, runs the chosen command and returns its exit status. With no command (no
     * arguments, or only options) the tour runs; {@code grade} goes to the autograder's own command line.
     */
    public static int execute(String[] args, PrintStream outStream, PrintStream errStream, boolean interactive) {
        KmemlabPath.warnMissing(System.getenv("KMEMLAB_PATH"), errStream);
        args = withDefaultCommand(args);
        if (args[0].equals("grade")) {
            // The autograder has its own command line (GradeMain.USAGE); hand it everything after "grade".
            return GradeMain.run(Arrays.copyOfRange(args, 1, args.length), outStream, errStream,
                    interactive);
        }
        PrintWriter out = new PrintWriter(outStream, true);
        PrintWriter err = new PrintWriter(errStream, true);
        try {
            return execute(args, out, err, interactive);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Returns the command line with every command and the converters it parses numbers with. */
    static CommandLine commandLine(boolean interactive) {
        CommandLine cl = new CommandLine(new KmemlabCommand(interactive));
        wholeNumbers(cl);
        return cl;
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err, boolean interactive) {
        CommandLine cl = commandLine(interactive);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println("kmemlab: " + usageProblem(e) + " (see '" + command + " --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> report(e, err));
        return cl.execute(args);
    }

    /**
     * Says in words what is wrong with the command line. Picocli's own wording is kept where it is plain
     * ("Unknown option: '--bogus'", "Missing required parameter"); an argument nothing expects is an
     * unknown command where a command was due, and otherwise usually a path with spaces left unquoted.
     */
    static String usageProblem(CommandLine.ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof CommandLine.UnmatchedArgumentException unknown && unknown.isUnknownOption()
                && !unknown.getUnmatched().isEmpty()) {
            String option = unknown.getUnmatched().get(0).replaceFirst("=.*", "");
            List<String> takers = new ArrayList<>();
            commandsTaking(spec.root().commandLine(), option, takers);
            if (!takers.isEmpty()) {
                return "'" + spec.qualifiedName() + "' does not take " + option + "; " + String.join(", ", takers)
                        + (takers.size() == 1 ? " does" : " do");
            }
        }
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()) {
            List<String> extra = unmatched.getUnmatched();
            String first = extra.isEmpty() ? "" : extra.get(0);
            if (!spec.subcommands().isEmpty() && spec.userObject() != null && !first.startsWith("-")) {
                List<String> names = new ArrayList<>();
                spec.subcommands().forEach((name, sub) -> {
                    if (!name.equals("help")) {
                        names.add(name);
                    }
                });
                String what = spec.parent() == null ? "command" : spec.name();
                return "unknown " + what + " '" + first + "'; choose one of " + String.join(", ", names);
            }
            return "unexpected argument" + (extra.size() == 1 ? " '" : "s '") + String.join("', '", extra) + "'"
                    + "; a path with spaces must be quoted (\"my traces/a.rep\")";
        }
        return oneLine(e.getMessage());
    }

    private static void commandsTaking(CommandLine cl, String option, List<String> takers) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.parent() != null && spec.findOption(option) != null) {
            takers.add("'" + spec.qualifiedName() + "'");
        }
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                commandsTaking(sub, option, takers);
            }
        });
    }

    /** Whole-number options say so in words; picocli's own message names Java's types (int, long). */
    private static void wholeNumbers(CommandLine cl) {
        CommandLine.ITypeConverter<Long> longs = text -> {
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(notWhole(text, Long.MIN_VALUE, Long.MAX_VALUE));
            }
        };
        CommandLine.ITypeConverter<Integer> ints = text -> {
            try {
                return Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(notWhole(text, Integer.MIN_VALUE, Integer.MAX_VALUE));
            }
        };
        cl.registerConverter(Long.class, longs);
        cl.registerConverter(long.class, longs);
        cl.registerConverter(Integer.class, ints);
        cl.registerConverter(int.class, ints);
    }

    private static String notWhole(String text, long min, long max) {
        return text.strip().matches("[-+]?[0-9]+")
                ? "'" + text + "' is too large; write a whole number from " + min + " to " + max
                : "'" + text + "' is not a whole number; write one such as 1996";
    }

    /**
     * Puts the command first. The options every machine-booting command shares ({@link CommonOptions})
     * may come before the command as well as after it ({@code kmemlab --profile x86_64 info}): they are
     * moved behind it. Without a command, the tour runs ({@code kmemlab --ram 64M} is the tour on 64 MiB).
     */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0) {
            return new String[] {"tour"};
        }
        String first = args[0];
        if (first.equals("-h") || first.equals("--help") || first.equals("-V") || first.equals("--version")
                || !first.startsWith("-")) {
            return args;
        }
        CommandSpec common = CommandSpec.forAnnotatedObject(new CommonOptions());
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            String option = args[i].contains("=") ? args[i].substring(0, args[i].indexOf('=')) : args[i];
            OptionSpec spec = common.findOption(option);
            if (spec == null) {
                break;
            }
            boolean takesValue = spec.arity().max() > 0 && !args[i].contains("=");
            i += takesValue ? 2 : 1;
        }
        List<String> out = new ArrayList<>();
        if (i < args.length && !args[i].startsWith("-")) {
            out.add(args[i]);
            out.addAll(Arrays.asList(args).subList(0, i));
            out.addAll(Arrays.asList(args).subList(i + 1, args.length));
        } else {
            out.add("tour");
            out.addAll(Arrays.asList(args));
        }
        return out.toArray(new String[0]);
    }

    private static int report(Exception e, PrintWriter err) {
        if (e instanceof ProviderLookupException) {
            String message = oneLine(e.getMessage());
            err.println("kmemlab: " + message + (message.contains("installed: ") ? "; choose one of them, or" : ";")
                    + " put the jar that provides yours on KMEMLAB_PATH (KMEMLAB_PATH=my-allocator.jar ./kmemlab ...)");
            return USAGE;
        }
        if (e instanceof UserError || e instanceof IllegalArgumentException || e instanceof TraceFormatException) {
            err.println("kmemlab: " + oneLine(e.getMessage()));
            return USAGE;
        }
        if (e instanceof FileSystemException fs) {
            // A path the user named that the checks before the work could not foresee (a folder removed
            // meanwhile, a full disk): the path, the system's reason, and that nothing else was changed.
            err.println("kmemlab: " + fs.getFile() + ": " + fileProblem(fs)
                    + "; check the path and run again (files written earlier are unchanged)");
            return fs instanceof NoSuchFileException || fs instanceof AccessDeniedException
                    || fs instanceof FileAlreadyExistsException || fs instanceof NotDirectoryException ? USAGE : FAILED;
        }
        if (e instanceof IOException io) {
            err.println("kmemlab: " + oneLine(String.valueOf(io.getMessage())));
            return FAILED;
        }
        if (e instanceof KernelBug bug) {
            err.println(bug.getMessage());
            err.println("kmemlab: the kernel reported a bug (above); this is a bug in kmemlab or in an installed"
                    + " allocator");
            return FAILED;
        }
        err.println("kmemlab: internal error; please report it with the stack trace below");
        e.printStackTrace(err);
        return FAILED;
    }

    /** Says in words what went wrong with a file: Java's exception names are not for users. */
    static String fileProblem(FileSystemException fs) {
        if (fs instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (fs instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (fs instanceof FileAlreadyExistsException) {
            return "already exists and is in the way";
        }
        if (fs instanceof NotDirectoryException) {
            return "is not a folder";
        }
        return fs.getReason() != null ? fs.getReason() : oneLine(fs.getMessage());
    }

    /** Joins the lines of a message so that an error is always one line. */
    static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replace("\r", "").replace("\n", "; ");
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KmemlabCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kmemlab " + (version == null ? "(development build)" : version)};
        }
    }
}
