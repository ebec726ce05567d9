using System.Text.RegularExpressions;

namespace Workflows.Cli.Tests.Slurm;

/// <summary><c>wf run --executor slurm</c> on a real single-node Slurm cluster: the main example as one
/// job per step with the DAG's dependencies and simulated GPUs, and byte-identical to a local run.</summary>
[Category("Slurm")]
[NonParallelizable]
public sealed partial class SlurmRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    // The main example, reading ../shared and its question file from wherever the test project lives.
    private static ProcessProject MainExample()
    {
        var root = FindRepository();
        var text = File.ReadAllText(Path.Combine(root, "workflows", "sft-lora.yaml")).Replace("../shared/", ProcessProject.Shared + "/", StringComparison.Ordinal);
        var project = ProcessProject.Create(text);
        Directory.CreateDirectory(Path.Combine(project.Root, "workflows", "data"));
        File.Copy(Path.Combine(root, "workflows", "data", "persona-questions.jsonl"), Path.Combine(project.Root, "workflows", "data", "persona-questions.jsonl"));
        return project;
    }

    [Test]
    public void Run_MainExample_OneJobPerStepWithDagDependenciesGpusAndLocalBytes()
    {
        SlurmCluster.RequireOrIgnore();
        using var local = MainExample();
        var reference = WfProcess.Run(local.Root, Timeout, "run", "wf.yaml");
        Assert.That(reference.ExitCode, Is.Zero, reference.Out + reference.Error);

        using var cluster = MainExample();
        var run = WfProcess.Run(cluster.Root, Timeout, "run", "wf.yaml", "--executor", "slurm");
        Assert.That(run.ExitCode, Is.Zero, run.Out + run.Error);
        string[] steps = ["ingest", "augment", "split", "train", "evaluate", "guard", "merge", "package"];
        var jobs = SlurmCluster.Table(cluster).Latest();
        Assert.That(jobs.Keys, Is.EquivalentTo(steps), "one job per step (nothing was cached)");
        Assert.That(jobs.Values.Select(j => j.State), Is.All.EqualTo("COMPLETED"));
        Assert.That(run.Out, Does.Contain("[train] 50 %"), "the job's progress is shown as locally");

        // The DAG's edges, as afterok dependencies between the jobs.
        string[] Needs(string step) => step switch
        {
            "augment" => ["ingest"], "split" => ["augment"], "train" => ["split"], "evaluate" => ["split", "train"],
            "guard" => ["train"], "merge" => ["evaluate", "guard", "train"], "package" => ["evaluate", "guard", "merge"], _ => [],
        };
        foreach (var step in steps)
        {
            var script = File.ReadAllText(Path.Combine(SlurmCluster.RunFolder(cluster), "slurm", step + ".sbatch"));
            var dependency = DependencyLine().Match(script);
            var expected = Needs(step).Select(n => jobs[n].JobId).Order().ToList();
            Assert.That(dependency.Success ? dependency.Groups[1].Value.Split(':').Order().ToList() : [], Is.EqualTo(expected), step);
            // What Slurm allocated: device steps held a (simulated) GPU, data steps none.
            var gres = SlurmCluster.Field(jobs[step].JobId, "TresPerNode");
            Assert.That(gres, step is "ingest" or "augment" or "split" ? Is.Null : Is.EqualTo("gres:gpu:1"), step);
        }
        foreach (var step in steps)
        {
            var ours = cluster.Step(step).GetProperty("outputs").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetString());
            var theirs = local.Step(step).GetProperty("outputs").EnumerateObject().ToDictionary(o => o.Name, o => o.Value.GetString());
            Assert.That(ours, Is.EqualTo(theirs), $"{step}: content digests of a Slurm run and a local run");
        }
        Assert.That(File.ReadAllText(Path.Combine(SlurmCluster.RunFolder(cluster), "logs", "train.log")), Does.Contain("80 steps"), "the step's log is in the run's logs folder");

        // MLflow: each job's step run is nested under the run's parent, as locally.
        var record = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(SlurmCluster.RunFolder(cluster), "run.json"))).RootElement;
        var parent = record.GetProperty("tracking_run_id").GetString();
        var mlruns = Path.Combine(cluster.Root, "mlruns");
        var nested = Directory.GetFiles(mlruns, "mlflow.parentRunId", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f) == parent).Select(f => Path.GetDirectoryName(f)!).ToList();
        Assert.That(nested.Select(tags => File.ReadAllText(Path.Combine(tags, "wf.step"))), Is.EquivalentTo(steps));
        // The jobs tag their step runs with the executor, as the submitting process tags the parent.
        Assert.That(File.ReadAllText(Path.Combine(Directory.GetDirectories(mlruns, parent!, SearchOption.AllDirectories).Single(), "tags", "wf.executor")), Is.EqualTo("slurm"));
        Assert.That(nested.Select(tags => File.ReadAllText(Path.Combine(tags, "wf.executor"))), Is.All.EqualTo("slurm"));

        var again = WfProcess.Run(cluster.Root, Timeout, "run", "wf.yaml", "--executor", "slurm");
        Assert.That(again.ExitCode, Is.Zero, again.Out + again.Error);
        Assert.That(SlurmCluster.Table(cluster).Jobs, Is.Empty, "cached steps are never submitted");
        Assert.That(again.Out, Does.Contain("nothing to do"));
    }

    private static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln"))) return folder.FullName;
        throw new InvalidOperationException("no Workflows.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"#SBATCH --dependency=afterok:([0-9:]+)")]
    private static partial Regex DependencyLine();
}
