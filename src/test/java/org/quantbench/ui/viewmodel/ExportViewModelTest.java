package org.quantbench.ui.viewmodel;

import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantbench.workbench.table.Cell;
import org.quantbench.workbench.table.Column;
import org.quantbench.workbench.table.ComparisonTable;
import org.quantbench.workbench.table.Row;

import org.quantbench.workbench.report.ChartFormat;
import org.quantbench.workbench.report.ChartKind;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExportViewModelTest {
    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final SimpleObjectProperty<ComparisonTable> table = new SimpleObjectProperty<>();
    private final ExportViewModel vm = new ExportViewModel(table, dialogs);

    private static ComparisonTable sample() {
        Column ppl = new Column("perplexity", "perplexity", "perplexity", false, "");
        return new ComparisonTable("demo", List.of(ppl), List.of(
                new Row("base = F32", "base", "r1", true, Map.of(ppl.id(), new Cell(10.0, null, null, null, false, null))),
                new Row("Q4_0", "Q4_0", "r1", false, Map.of(ppl.id(), new Cell(11.0, null, 1.0, 10.0, false, null)))));
    }

    @Test
    void writesTheTableInEachFormat() throws IOException {
        table.set(sample());
        vm.folderProperty().set(dir.toString());
        vm.baseNameProperty().set("demo");
        Path csv = vm.exportTable(ExportViewModel.TableFormat.CSV).orElseThrow();
        Path md = vm.exportTable(ExportViewModel.TableFormat.MARKDOWN).orElseThrow();
        Path json = vm.exportTable(ExportViewModel.TableFormat.JSON).orElseThrow();
        assertThat(csv).hasFileName("demo.csv");
        assertThat(Files.readString(csv)).contains("Q4_0").contains("11.0");
        assertThat(Files.readString(md)).contains("| Q4_0");
        assertThat(Files.readString(json)).contains("\"Q4_0\"");
        assertThat(vm.written()).hasSize(3);
        assertThat(dialogs.errors).isEmpty();
    }

    @Test
    void writesTheChosenChartAtTheChosenSizeAndTheReport() throws IOException {
        table.set(sample());
        assertThat(vm.chartKinds()).contains(ChartKind.PERPLEXITY);
        vm.chartKindProperty().set(ChartKind.PERPLEXITY);
        vm.folderProperty().set(dir.toString());
        vm.width().textProperty().set("640");
        vm.height().textProperty().set("400");
        Path png = vm.exportChart(ChartFormat.PNG).orElseThrow();
        Path svg = vm.exportChart(ChartFormat.SVG).orElseThrow();
        Path pdf = vm.exportChart(ChartFormat.PDF).orElseThrow();
        assertThat(png).hasFileName("table-perplexity.png");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(400);
        assertThat(Files.readString(svg)).startsWith("<?xml").contains("<svg");
        assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

        List<Path> report = vm.exportReport();
        assertThat(report.getLast()).hasFileName("report.html");
        assertThat(Files.readString(report.getLast())).contains("Q4_0").contains("<svg");
        assertThat(dialogs.errors).isEmpty();

        vm.width().textProperty().set("10");
        assertThat(vm.exportChart(ChartFormat.PNG)).isEmpty();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Invalid size").contains("width");
    }

    @Test
    void aChartExportToAnUnwritablePlaceLeavesNothing() throws IOException {
        table.set(sample());
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        vm.folderProperty().set(blocker.resolve("sub").toString());
        assertThat(vm.exportChart(ChartFormat.SVG)).isEmpty();
        assertThat(vm.exportReport()).isEmpty();
        assertThat(dialogs.errors).hasSize(2).allSatisfy(e -> assertThat(e).startsWith("Export failed"));
    }

    @Test
    void nothingToExportOrNoFolderIsSaid() {
        assertThat(vm.exportTable(ExportViewModel.TableFormat.CSV)).isEmpty();
        table.set(sample());
        assertThat(vm.exportTable(ExportViewModel.TableFormat.CSV)).isEmpty();
        assertThat(dialogs.errors).extracting(e -> e.split(":")[0]).containsExactly("Nothing to export", "No folder");
    }

    @Test
    void aFailingWriteIsShownAndLeavesNoFile() throws IOException {
        table.set(sample());
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        vm.folderProperty().set(blocker.resolve("sub").toString());
        assertThat(vm.exportTable(ExportViewModel.TableFormat.CSV)).isEmpty();
        assertThat(dialogs.errors).singleElement().asString().startsWith("Export failed: ").contains("table.csv");
        assertThat(vm.written()).isEmpty();
    }
}
