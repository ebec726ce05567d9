namespace Workflows.Tracking;

/// <summary>Tag keys MLflow and this client give a meaning to.</summary>
public static class MlflowTags
{
    /// <summary>The run's display name; MLflow's UI reads it from this tag.</summary>
    public const string RunName = "mlflow.runName";

    /// <summary>Who started the run. The server takes <c>user_id</c> only from runs/create, so both are sent.</summary>
    public const string User = "mlflow.user";

    /// <summary>Makes a run a nested child of the run with this id.</summary>
    public const string ParentRunId = "mlflow.parentRunId";

    /// <summary>What started the run, e.g. the workflow file.</summary>
    public const string SourceName = "mlflow.source.name";

    /// <summary>One of MLflow's source types; workflow runs are <c>JOB</c>.</summary>
    public const string SourceType = "mlflow.source.type";

    /// <summary>The git commit the run was started from.</summary>
    public const string GitCommit = "mlflow.source.git.commit";

    /// <summary>The git branch the run was started from.</summary>
    public const string GitBranch = "mlflow.source.git.branch";

    /// <summary>An id chosen by this client for every run it creates. Replays look runs up by it, so
    /// pushing the same spool or store twice finds the run instead of creating a duplicate.</summary>
    public const string ClientRunId = "wf.client_run_id";
}
