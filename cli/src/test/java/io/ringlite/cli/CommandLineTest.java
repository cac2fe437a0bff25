package io.ringlite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringlite.storage.io.IoKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Command-line parsing, with sqlite3's rules (checked against sqlite3 where it has an opinion). */
class CommandLineTest {

    @Test
    void firstPlainArgumentIsTheFileAndTheRestAreCommands() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"db.sqlite", "select 1", ".tables"});
        assertThat(cl.file()).isEqualTo("db.sqlite");
        assertThat(cl.commands()).containsExactly("select 1", ".tables");
        assertThat(cl.action()).isEqualTo(CommandLine.Action.RUN);
    }

    @Test
    void noFileMeansInMemory() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"-batch"});
        assertThat(cl.file()).isNull();
        assertThat(CommandLine.isMemory(cl.file())).isTrue();
        assertThat(CommandLine.isMemory(":memory:")).isTrue();
        assertThat(CommandLine.isMemory("x.db")).isFalse();
        assertThat(cl.interactive()).isFalse();
    }

    @Test
    void optionsMayComeAfterTheFileAndTakeOneOrTwoDashes() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"x.db", "--json", "-header", "select 1"});
        assertThat(cl.settings().mode).isEqualTo(OutputMode.JSON);
        assertThat(cl.settings().headers).isTrue();
        assertThat(cl.commands()).containsExactly("select 1");
    }

    @Test
    void lastModeOptionWins() throws Exception {
        assertThat(CommandLine.parse(new String[] {"-csv", "-box"}).settings().mode).isEqualTo(OutputMode.BOX);
        CommandLine csv = CommandLine.parse(new String[] {"-box", "-csv"});
        assertThat(csv.settings().mode).isEqualTo(OutputMode.CSV);
        assertThat(csv.settings().separator).isEqualTo(",");
        assertThat(csv.settings().rowSeparator).isEqualTo("\n");
        assertThat(CommandLine.parse(new String[] {"-header", "-noheader"}).settings().headers).isFalse();
    }

    @Test
    void tabsIsListWithATabSeparator() throws Exception {
        Settings s = CommandLine.parse(new String[] {"-tabs"}).settings();
        assertThat(s.mode).isEqualTo(OutputMode.LIST);
        assertThat(s.separator).isEqualTo("\t");
    }

    @Test
    void valuedOptionsTakeTheNextArgument() throws Exception {
        CommandLine cl = CommandLine.parse(new String[] {"-cmd", ".mode csv", "-nullvalue", "NULL", "-cmd",
                "select 1", "-separator", ";", "-readonly", "-bail", "f.db"});
        assertThat(cl.cmds()).containsExactly(".mode csv", "select 1");
        assertThat(cl.settings().nullValue).isEqualTo("NULL");
        assertThat(cl.settings().separator).isEqualTo(";");
        assertThat(cl.readOnly()).isTrue();
        assertThat(cl.settings().bail).isTrue();
        assertThat(cl.file()).isEqualTo("f.db");
    }

    @Test
    void ioChoosesTheBackendAndDefaultsToUring() throws Exception {
        assertThat(CommandLine.parse(new String[] {}).io()).isEqualTo(IoKind.URING);
        assertThat(CommandLine.parse(new String[] {"--io", "portable"}).io()).isEqualTo(IoKind.PORTABLE);
        assertThat(CommandLine.parse(new String[] {"-io", "uring"}).io()).isEqualTo(IoKind.URING);
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--io", "floppy"}))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("floppy");
    }

    @Test
    void batchAndInteractiveForceTheInputStyle() throws Exception {
        assertThat(CommandLine.parse(new String[] {}).interactive()).isNull();
        assertThat(CommandLine.parse(new String[] {"-interactive"}).interactive()).isTrue();
        assertThat(CommandLine.parse(new String[] {"-interactive", "-batch"}).interactive()).isFalse();
    }

    @Test
    void unknownOptionAndMissingArgumentAreReportedAsSqlite3Does() {
        Sqlite3.Result unknown = runMain("-bogus");
        assertThat(unknown.err()).isEqualTo("ringlite: Error: unknown option: -bogus\nUse -help for a list of options.\n");
        assertThat(unknown.exitCode()).isEqualTo(1);
        Sqlite3.Result missing = runMain("-cmd");
        assertThat(missing.err()).isEqualTo("ringlite: Error: missing argument to -cmd\n");
        assertThat(missing.exitCode()).isEqualTo(1);
    }

    @Test
    void sqlite3WordsUnknownOptionsAndMissingArgumentsTheSameWay() {
        Sqlite3.assumePresent();
        assertThat(Sqlite3.run(List.of("-bogus"), "").err().replace(Sqlite3.BINARY + ":", "ringlite:"))
                .isEqualTo(runMain("-bogus").err());
        assertThat(Sqlite3.run(List.of("-cmd"), "").err().replace(Sqlite3.BINARY + ":", "ringlite:"))
                .isEqualTo(runMain("-cmd").err());
    }

    @Test
    void helpGoesToStderrAndExitsWithOneLikeSqlite3() {
        Sqlite3.Result help = runMain("-help");
        assertThat(help.out()).isEmpty();
        assertThat(help.err()).startsWith("Usage: ringlite [OPTIONS] FILENAME [SQL]\n").contains("-json", "-io");
        assertThat(help.exitCode()).isEqualTo(1);
    }

    @Test
    void versionPrintsOneLineAndExitsWithZero() {
        Sqlite3.Result version = runMain("-version");
        assertThat(version.outText()).startsWith("ringlite " + Main.VERSION).endsWith("\n").hasLineCount(1);
        assertThat(version.exitCode()).isZero();
    }

    private static Sqlite3.Result runMain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, new java.io.ByteArrayInputStream(new byte[0]), out, err, false,
                (f, ro, io) -> {
                    throw new AssertionError("no database should be opened");
                });
        return new Sqlite3.Result(out.toByteArray(), err.toString(StandardCharsets.UTF_8), rc);
    }
}
