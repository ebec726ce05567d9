using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Workflows.Cli.Tests;

/// <summary><c>wf bench train</c> at one thread and more says, in the same run, how much faster training went and
/// how much the matmul ceiling itself scaled, computed from the table's own rows.</summary>
public class BenchTrainScalingTests
{
    // Libtorch's threads, or data-parallel workers at one thread each: both speed-ups are the table's rows' ratios.
    [TestCase("--threads 1 2 --workers 1", "2 threads")]
    [TestCase("--threads 1 --workers 1 2", "2 workers × 1 thread(s)")]
    public void BenchTrain_OneAndTwo_PrintsBothSpeedUpsFromTheTablesRows(string counts, string label)
    {
        string[] arguments = ["bench", "train", "--methods", "lora", "--dtypes", "float32", .. counts.Split(' '), "--batch", "2", "--sequence", "8", "--steps", "1"];
        var result = WfProcess.Run(Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromMinutes(3), arguments);
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var rows = result.Out.Split('\n').Where(l => l.StartsWith("| lora | float32 |", StringComparison.Ordinal) && l.Contains("| chunked |", StringComparison.Ordinal)).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.That(rows.Select(r => $"{r[3]}×{r[4]}"), Is.EqualTo(label.Contains("workers") ? new[] { "1×1", "1×2" } : ["1×1", "2×1"]), "threads × workers per row");
        double Cell(string[] row, int column) => double.Parse(row[column].Replace(",", ""), CultureInfo.InvariantCulture);
        var line = Regex.Match(result.Out, $@"lora float32 at {Regex.Escape(label)} against 1: tokens/s ([0-9.]+)x, matmul ceiling ([0-9.]+)x");
        Assert.That(line.Success, Is.True, result.Out);
        Assert.That(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(Cell(rows[1], 9) / Cell(rows[0], 9)).Within(0.01));
        Assert.That(double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(Cell(rows[1], 15) / Cell(rows[0], 15)).Within(0.01));
    }

    [Test]
    public void BenchTrain_OneAndTwoThreads_PrintsWhereAStepsTimeGoesAndEachPartsSpeedUp()
    {
        var result = WfProcess.Run(Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromMinutes(3),
            "bench", "train", "--methods", "lora", "dpo", "--dtypes", "float32", "--threads", "1", "2", "--batch", "2", "--sequence", "32", "--steps", "2");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var header = result.Out.Split('\n').Single(l => l.StartsWith("| method | dtype | threads | checkpointing |", StringComparison.Ordinal));
        Assert.That(header, Does.Contain("| layers forward | head loss and its gradients | backward through the layers | optimizer |"));
        var rows = result.Out.Split('\n').Where(l => Regex.IsMatch(l, @"^\| lora \| float32 \| [12] \| no \| [0-9]")).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.That(rows, Has.Count.EqualTo(2), "one row per thread count; DPO takes no chunked loss and has none");
        double Cell(string[] row, int column) => double.Parse(row[column], CultureInfo.InvariantCulture);
        Assert.That(rows.SelectMany(r => Enumerable.Range(5, 4).Select(c => Cell(r, c))), Has.All.GreaterThanOrEqualTo(0));
        var line = Regex.Match(result.Out, @"lora float32 at 2 threads against 1, by part: layers forward ([0-9.]+)x, head loss and its gradients ([0-9.]+)x");
        Assert.That(line.Success, Is.True, result.Out);
        Assert.That(double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(Cell(rows[0], 6) / Cell(rows[1], 6)).Within(0.02 * Cell(rows[0], 6) / Cell(rows[1], 6) + 0.01),
            "the head's speed-up is its one-thread time over its two-thread time, as printed (to a tenth of a millisecond)");
        Assert.That(result.Out, Does.Not.Contain("dpo float32 at 2 threads against 1, by part"));
    }
}
