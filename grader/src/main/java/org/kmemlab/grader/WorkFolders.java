package org.kmemlab.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The grader's work folders: where a submission is extracted and built and where child JVMs run. They are
 * removed at the end of a grade (unless {@code --keep-work}), including the read-only extracted classes
 * and whatever a sandboxed process made there.
 */
final class WorkFolders {

    private WorkFolders() {
    }

    /**
     * Removes {@code root} and everything in it, without following symbolic links (a link a submission made
     * is removed, never what it points to). Read-only folders are opened first. Does nothing when
     * {@code root} does not exist.
     */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            SubmissionExtractor.makeWritable(root);
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Returns {@code path} with its libraries and references copied into {@code dir}, readable by every
     * user: at the {@link Sandbox.Level#UNPRIVILEGED_USER} level the child runs as another user, who cannot
     * read a root-owned local repository ({@code /root} is {@code 0700} on Debian).
     */
    static ChildPath stageForOtherUser(ChildPath path, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ChildPath(copyAll(path.libraries(), dir.resolve("lib")), copyAll(path.references(),
                dir.resolve("ref")), path.encapsulated(),
                path.sandbox());
    }

    private static List<Path> copyAll(List<Path> entries, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : entries) {
            Path target = dir.resolve(out.size() + "-" + p.getFileName());
            copyTree(p, target);
            out.add(target);
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        SubmissionExtractor.makeWritable(to);
    }
}
