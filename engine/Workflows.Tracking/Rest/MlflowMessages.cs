namespace Workflows.Tracking.Rest;

// The slice of MLflow's REST messages this client uses; names map to snake_case JSON (see MlflowJson).

internal sealed record MlflowExperiment(string ExperimentId, string Name, string? LifecycleStage);

internal sealed record GetExperimentResponse(MlflowExperiment Experiment);

internal sealed record CreateExperimentRequest(string Name);

internal sealed record CreateExperimentResponse(string ExperimentId);

internal sealed record MlflowTag(string Key, string Value);

internal sealed record MlflowParam(string Key, string Value);

internal sealed record MlflowMetric(string Key, double Value, long Timestamp, long Step);

internal sealed record CreateRunRequest(string ExperimentId, string RunName, string UserId, long StartTime, IReadOnlyList<MlflowTag> Tags);

internal sealed record MlflowRunInfo(string RunId, string ExperimentId, string? RunName, string? Status, string? ArtifactUri);

internal sealed record MlflowRunData(IReadOnlyList<MlflowMetric>? Metrics, IReadOnlyList<MlflowParam>? Params, IReadOnlyList<MlflowTag>? Tags);

internal sealed record MlflowRun(MlflowRunInfo Info, MlflowRunData? Data);

internal sealed record RunResponse(MlflowRun Run);

internal sealed record LogBatchRequest(string RunId, IReadOnlyList<MlflowMetric> Metrics, IReadOnlyList<MlflowParam> Params, IReadOnlyList<MlflowTag> Tags);

internal sealed record UpdateRunRequest(string RunId, string Status, long? EndTime);

internal sealed record SearchRunsRequest(IReadOnlyList<string> ExperimentIds, string Filter, int MaxResults);

internal sealed record SearchRunsResponse(IReadOnlyList<MlflowRun>? Runs, string? NextPageToken);

internal sealed record MetricHistoryResponse(IReadOnlyList<MlflowMetric>? Metrics, string? NextPageToken);

internal sealed record CreateRegisteredModelRequest(string Name);

internal sealed record CreateModelVersionRequest(string Name, string Source, string RunId);

internal sealed record MlflowModelVersion(string Name, string Version, string? Source = null, string? RunId = null);

internal sealed record SearchModelVersionsResponse(IReadOnlyList<MlflowModelVersion>? ModelVersions, string? NextPageToken);

internal sealed record SetModelVersionTagRequest(string Name, string Version, string Key, string Value);

internal sealed record SetModelAliasRequest(string Name, string Alias, string Version);

internal sealed record ModelVersionResponse(MlflowModelVersion ModelVersion);

internal sealed record MlflowErrorBody(string? ErrorCode, string? Message);
