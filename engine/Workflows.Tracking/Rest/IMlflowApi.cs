using Refit;

namespace Workflows.Tracking.Rest;

/// <summary>The MLflow REST endpoints this client calls (paths as served by <c>mlflow server</c>).</summary>
internal interface IMlflowApi
{
    [Get("/api/2.0/mlflow/experiments/get-by-name")]
    Task<GetExperimentResponse> GetExperimentByNameAsync([AliasAs("experiment_name")] string experimentName, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/experiments/create")]
    Task<CreateExperimentResponse> CreateExperimentAsync([Body(buffered: true)] CreateExperimentRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/create")]
    Task<RunResponse> CreateRunAsync([Body(buffered: true)] CreateRunRequest request, CancellationToken cancellationToken);

    [Get("/api/2.0/mlflow/runs/get")]
    Task<RunResponse> GetRunAsync([AliasAs("run_id")] string runId, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/search")]
    Task<SearchRunsResponse> SearchRunsAsync([Body(buffered: true)] SearchRunsRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/log-batch")]
    Task LogBatchAsync([Body(buffered: true)] LogBatchRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/runs/update")]
    Task UpdateRunAsync([Body(buffered: true)] UpdateRunRequest request, CancellationToken cancellationToken);

    /// <remarks><paramref name="maxResults"/> is required in practice: without it MLflow 3.11 answers with
    /// no metrics and a page token pointing back to offset 0.</remarks>
    [Get("/api/2.0/mlflow/metrics/get-history")]
    Task<MetricHistoryResponse> GetMetricHistoryAsync(
        [AliasAs("run_id")] string runId,
        [AliasAs("metric_key")] string metricKey,
        [AliasAs("max_results")] int maxResults,
        [AliasAs("page_token")] string? pageToken,
        CancellationToken cancellationToken);

    /// <remarks>The path is <c>&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts/&lt;artifact path&gt;</c>; the body is the raw file.</remarks>
    [Put("/api/2.0/mlflow-artifacts/artifacts/{**path}")]
    Task UploadArtifactAsync(string path, [Body] HttpContent content, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/registered-models/create")]
    Task CreateRegisteredModelAsync([Body(buffered: true)] CreateRegisteredModelRequest request, CancellationToken cancellationToken);

    /// <remarks>Filters such as <c>name='m' and run_id='…'</c>; the answer's <c>source</c> tells versions of one run apart.</remarks>
    [Get("/api/2.0/mlflow/model-versions/search")]
    Task<SearchModelVersionsResponse> SearchModelVersionsAsync(
        [AliasAs("filter")] string filter, [AliasAs("max_results")] int maxResults, [AliasAs("page_token")] string? pageToken, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/model-versions/set-tag")]
    Task SetModelVersionTagAsync([Body(buffered: true)] SetModelVersionTagRequest request, CancellationToken cancellationToken);

    /// <remarks>Moves the alias: a version that held it before loses it.</remarks>
    [Post("/api/2.0/mlflow/registered-models/alias")]
    Task SetModelAliasAsync([Body(buffered: true)] SetModelAliasRequest request, CancellationToken cancellationToken);

    [Post("/api/2.0/mlflow/model-versions/create")]
    Task<ModelVersionResponse> CreateModelVersionAsync([Body(buffered: true)] CreateModelVersionRequest request, CancellationToken cancellationToken);
}
