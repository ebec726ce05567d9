using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Workflows.Cli.Tests;

/// <summary><c>wf bench train</c> at one thread and more says, in the same run, how much faster training went and
/// how much the matmul ceiling itself scaled, computed from the table's own rows.</summary>
public class BenchTrainScalingTests
{
    [Test]
    public void BenchTrain_OneAndTwoThreads_PrintsBothSpeedUpsFromTheTablesRows()
    {
        var result = WfProcess.Run(Path.GetTempPath(), new Dictionary<string, string>(), TimeSpan.FromMinutes(3),
            "bench", "train", "--methods", "lora", "--dtypes", "float32", "--threads", "1", "2", "--batch", "1", "--sequence", "8", "--steps", "1");
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var rows = result.Out.Split('\n').Where(l => l.StartsWith("| lora | float32 |", StringComparison.Ordinal)).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        double Cell(string[] row, int column) => double.Parse(row[column].Replace(",", ""), CultureInfo.InvariantCulture);
        var line = Regex.Match(result.Out, @"lora float32 at 2 threads against 1: tokens/s ([0-9.]+)x, matmul ceiling ([0-9.]+)x");
        Assert.That(line.Success, Is.True, result.Out);
        Assert.That(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), Is.EqualTo(Cell(rows[1], 8) / Cell(rows[0], 8)).Within(0.01));
        Assert.That(double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture), Is.EqualTo(Cell(rows[1], 14) / Cell(rows[0], 14)).Within(0.01));
    }
}
