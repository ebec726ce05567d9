using System.Globalization;

namespace Workflows.Cli.Tests.Tracking;

/// <summary>What a run recorded in its local MLflow file store, read straight from the files.</summary>
internal static class LocalStore
{
    public sealed record Run(string Name, Dictionary<string, string> Params, Dictionary<string, string> Tags,
        Dictionary<string, List<(long Step, double Value)>> Metrics, Dictionary<string, long> Artifacts);

    public static Dictionary<string, Run> Read(string root)
    {
        var runs = new Dictionary<string, Run>();
        foreach (var experiment in Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')))
        {
            foreach (var run in Directory.EnumerateDirectories(experiment).Where(d => File.Exists(Path.Combine(d, "meta.yaml"))))
            {
                var name = File.ReadLines(Path.Combine(run, "meta.yaml")).First(l => l.StartsWith("run_name:"))["run_name:".Length..].Trim().Trim('\'');
                var metrics = Files(Path.Combine(run, "metrics")).ToDictionary(f => f.Key, f => File.ReadLines(f.Path).Where(l => l.Length > 0)
                    .Select(l => l.Split(' ')).Select(p => (long.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList());
                runs[Path.GetFileName(run)] = new Run(name,
                    Files(Path.Combine(run, "params")).ToDictionary(f => f.Key, f => File.ReadAllText(f.Path)),
                    Files(Path.Combine(run, "tags")).ToDictionary(f => f.Key, f => File.ReadAllText(f.Path)),
                    metrics,
                    Files(Path.Combine(run, "artifacts")).ToDictionary(f => f.Key, f => new FileInfo(f.Path).Length));
            }
        }
        return runs;
    }

    private static IEnumerable<(string Key, string Path)> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => (Path.GetRelativePath(folder, f).Replace('\\', '/'), f))
            : [];
}
