package org.neox4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code neox4j} command. Results go to stdout, diagnostics and progress to stderr.
 * Exit codes: 0 success, 1 failure (a clear message on stderr), 2 usage error.
 */
@Command(
        name = "neox4j",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run GPT-NeoX-20B and the GPT-NeoX family (Pythia) on the JVM.",
        subcommands = {
            GenerateCommand.class,
            ForwardCommand.class,
            ScoreCommand.class,
            PerplexityCommand.class,
            EmbedCommand.class,
            EvalCommand.class,
            InfoCommand.class,
            ConvertCommand.class,
            QuantizeCommand.class,
            ServeCommand.class,
            PullCommand.class,
            TokenizeCommand.class,
            WorkerCommand.class,
            SynthCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        // Text is UTF-8 whatever the locale says (a POSIX locale would turn non-ASCII into '?').
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (used by tests). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
