package org.neox4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress bar's text, its redraw rate, and its use from many threads, with a fake clock. */
class ProgressBarTest {
    final StringWriter text = new StringWriter();
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    ProgressBar bar(boolean terminal, ProgressBar.Unit unit) {
        return new ProgressBar(new PrintWriter(text), unit, terminal, now::get);
    }

    void sleep(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void terminalRedrawsOneLineWithSizeSpeedAndEta() {
        ProgressBar bar = bar(true, ProgressBar.Unit.BYTES);
        bar.start("EleutherAI/pythia-160m", 100L << 20);
        sleep(2000);
        bar.advance(25L << 20);

        String out = text.toString();
        assertFalse(out.contains("\n"), "redrawn in place: " + out);
        String line = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(line.startsWith("EleutherAI/pythia-160m  25% [######..................] 25.00 MiB / 100.00 MiB"), line);
        assertTrue(line.contains("12.50 MiB/s"), line);
        assertTrue(line.contains("ETA 0:06"), line);

        sleep(4000);
        bar.advance(75L << 20);
        bar.finish();
        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("EleutherAI/pythia-160m  100.00 MiB in 0:06 (16.67 MiB/s)"), last);
        assertTrue(last.endsWith(System.lineSeparator()), "the finished line is kept");
    }

    @Test
    void terminalRedrawsAtMostTenTimesASecond() {
        ProgressBar bar = bar(true, ProgressBar.Unit.BYTES);
        bar.start("x", 1_000_000);
        for (int i = 0; i < 1000; i++) {
            sleep(1); // one second of very frequent updates
            bar.advance(100);
        }
        long redraws = text.toString().chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 9 && redraws <= 11, "redraws in one second: " + redraws);
    }

    @Test
    void shorterLineClearsTheRestOfTheLongerOne() {
        ProgressBar bar = bar(true, ProgressBar.Unit.BYTES);
        bar.start("task", -1);
        sleep(1000);
        bar.advance(5L << 30); // "5.00 GiB  5.00 GiB/s"
        bar.finish(); // "5.00 GiB in 0:01 (...)" is not shorter, but each draw pads to the previous width
        for (String draw : text.toString().split("\r")) {
            if (!draw.isEmpty()) {
                assertTrue(draw.startsWith("task  "), draw);
            }
        }
    }

    @Test
    void notATerminalPrintsOccasionalPlainLines() {
        ProgressBar bar = bar(false, ProgressBar.Unit.BYTES);
        bar.start("org/model", 1000);
        for (int i = 0; i < 100; i++) {
            sleep(300); // 30 s in all
            bar.advance(10);
        }
        bar.finish();

        String out = text.toString();
        assertFalse(out.contains("\r"), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.size() >= 4 && lines.size() <= 6, "a line at start, every 10 s and at the end: " + lines);
        assertTrue(lines.getLast().startsWith("org/model  1000 B in 0:30"), lines.getLast());
    }

    @Test
    void itemsAndUnknownTotal() {
        ProgressBar bar = bar(false, ProgressBar.Unit.items("tensors"));
        bar.start("quantize", 291);
        sleep(10_000);
        bar.advance(97);
        assertTrue(text.toString().lines().toList().getLast().startsWith("quantize  33% [########................] 97 tensors / 291 tensors  9.7 tensors/s  ETA 0:20"),
                text.toString());

        ProgressBar unknown = bar(false, ProgressBar.Unit.BYTES);
        unknown.start("stream", -1);
        sleep(10_000);
        unknown.advance(2048);
        assertTrue(text.toString().lines().toList().getLast().equals("stream  2.00 KiB  205 B/s"), text.toString());
    }

    @Test
    void manyThreadsCountEveryUnit() throws InterruptedException {
        ProgressBar bar = new ProgressBar(new PrintWriter(text), ProgressBar.Unit.BYTES, true, System::nanoTime);
        bar.start("parallel", 8L * 100_000);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    bar.advance(1);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        bar.finish();

        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("parallel  781.25 KiB in"), last);
    }

    @Test
    void startingANewTaskFinishesThePreviousOne() {
        ProgressBar bar = bar(false, ProgressBar.Unit.BYTES);
        bar.start("first", 10);
        bar.advance(10);
        bar.start("second", 10);
        bar.finish();
        bar.finish(); // a second finish is ignored

        List<String> lines = text.toString().lines().toList();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("first  10 B in"), lines.toString());
        assertTrue(lines.get(3).startsWith("second  0 B in"), lines.toString());
    }
}
