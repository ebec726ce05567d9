namespace Workflows.Engine.Execution.Slurm;

/// <summary>How <c>wf run --executor slurm</c> submits steps: the <c>executor:</c> mapping of
/// <c>wf.config.yaml</c> (snake_case keys), plus how to start <c>wf</c> on a compute node.</summary>
public sealed record SlurmSettings
{
    /// <summary>Partition for every job (<c>--partition</c>); a step's <c>resources.partition</c> wins.
    /// Default: the cluster's default partition.</summary>
    public string? Partition { get; init; }

    /// <summary>Account to charge (<c>--account</c>). Default: the user's default account.</summary>
    public string? Account { get; init; }

    /// <summary>Quality of service (<c>--qos</c>). Default: the account's default.</summary>
    public string? Qos { get; init; }

    /// <summary>Extra <c>sbatch</c> flags for every job, one per item (e.g. <c>--constraint=a100</c>). Default: none.</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = [];

    /// <summary>Seconds between two looks at the queue while following the jobs, 0.1 to 60. Default 1.</summary>
    public double PollSeconds { get; init; } = 1;

    /// <summary>The command that starts <c>wf</c> on a compute node (the program and its first
    /// arguments); the host fills it with the running <c>wf</c>, which must sit on a shared filesystem.</summary>
    public IReadOnlyList<string> WfCommand { get; init; } = ["wf"];

    /// <summary>The device override of the run (<c>--device</c>), passed on to every job; null: the workflow's.</summary>
    public string? Device { get; init; }
}
