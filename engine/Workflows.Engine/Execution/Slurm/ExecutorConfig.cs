using System.Globalization;
using Workflows.Engine.Definition;
using Workflows.Engine.Diagnostics;
using Workflows.Engine.Hosting;
using Workflows.Engine.Yaml;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>The <c>executor:</c> entry of <c>wf.config.yaml</c>: <c>executor: slurm</c>, or a mapping
/// <c>{ type: slurm, partition, account, qos, sbatch_args: [...], poll_seconds }</c>.</summary>
/// <param name="Type"><c>local</c> (the default) or <c>slurm</c>.</param>
/// <param name="Slurm">The Slurm settings (used when <paramref name="Type"/> is <c>slurm</c>).</param>
public sealed record ExecutorConfig(string Type, SlurmSettings Slurm)
{
    public const string Local = "local";
    public const string SlurmType = "slurm";
    private static readonly string[] Keys = ["type", "partition", "account", "qos", "sbatch_args", "poll_seconds"];

    /// <summary>What the project configures; local with default settings when <c>wf.config.yaml</c> says nothing.
    /// Problems are added to <paramref name="diagnostics"/> at their line:col.</summary>
    public static ExecutorConfig Read(string projectRoot, DiagnosticList diagnostics)
    {
        var path = Path.Combine(projectRoot, WorkflowLoader.ConfigFile);
        var none = new ExecutorConfig(Local, new SlurmSettings());
        if (!File.Exists(path)) return none;
        if (YamlTreeReader.Read(File.ReadAllText(path), path, diagnostics) is not YamlMapping root) return none;
        return root.Get("executor") switch
        {
            null or YamlScalar { IsNull: true } => none,
            YamlScalar s => new ExecutorConfig(CheckType(s.Value, s, diagnostics), new SlurmSettings()),
            YamlMapping map => FromMapping(map, diagnostics),
            var other => Fail(other, diagnostics, none),
        };
    }

    private static ExecutorConfig FromMapping(YamlMapping map, DiagnosticList diagnostics)
    {
        var reader = new NodeReader(diagnostics, null);
        reader.CheckKeys(map, Keys, "executor key");
        var poll = reader.Double(map, "poll_seconds") ?? 1;
        if (poll is < 0.1 or > 60)
        {
            diagnostics.Add(map.Get("poll_seconds")!.Mark, null, $"executor.poll_seconds must be between 0.1 and 60, got {poll.ToString(CultureInfo.InvariantCulture)}");
            poll = 1;
        }
        var type = reader.String(map, "type") ?? SlurmType;
        return new ExecutorConfig(CheckType(type, map.Get("type") ?? map, diagnostics), new SlurmSettings
        {
            Partition = reader.String(map, "partition"),
            Account = reader.String(map, "account"),
            Qos = reader.String(map, "qos"),
            SbatchArgs = reader.StringList(map.Get("sbatch_args")),
            PollSeconds = poll,
        });
    }

    private static string CheckType(string type, YamlNode node, DiagnosticList diagnostics)
    {
        if (type is Local or SlurmType) return type;
        diagnostics.Add(node.Mark, null, $"unknown executor '{type}'", "use local or slurm");
        return Local;
    }

    private static ExecutorConfig Fail(YamlNode node, DiagnosticList diagnostics, ExecutorConfig none)
    {
        diagnostics.Add(node.Mark, null, "'executor' must be 'local', 'slurm' or a mapping", "write 'executor: { type: slurm, partition: gpu }'");
        return none;
    }
}
