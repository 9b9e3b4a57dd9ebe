package org.neox4j.cli;

import org.neox4j.Neox4jException;
import picocli.CommandLine;

/**
 * Turns failures into one clear line on stderr and exit code 1. Expected errors (bad files,
 * bad parameters) show their message only; anything else is a bug and shows its stack trace
 * when {@code NEOX4J_DEBUG} is set.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        String command = cli.getCommandName();
        if (ex instanceof Neox4jException || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
            cli.getErr().println(command + ": error: " + describe(ex));
        } else {
            cli.getErr().println(command + ": internal error: " + describe(ex));
        }
        if (System.getenv("NEOX4J_DEBUG") != null) {
            ex.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return EXIT_FAILURE;
    }

    private static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + message;
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + message;
        }
        return message == null ? ex.getClass().getSimpleName() : message;
    }
}
