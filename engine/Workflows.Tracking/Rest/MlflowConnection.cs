using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Refit;

namespace Workflows.Tracking.Rest;

/// <summary>One server: the Refit client, its auth, and the retry pipelines every call goes through.
/// Turns failures into <see cref="MlflowUnavailableException"/> (transient, retries spent) or
/// <see cref="MlflowException"/> (the server said no).</summary>
internal sealed class MlflowConnection : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _calls;
    private readonly ResiliencePipeline _uploads;
    private readonly TimeSpan _probeTimeout;

    public MlflowConnection(MlflowRestOptions options)
    {
        if (options.TrackingUri.Scheme is not ("http" or "https"))
        {
            throw new MlflowException("INVALID_TRACKING_URI", $"MLflow tracking URI must be http(s), got '{options.TrackingUri}'");
        }

        var errors = options.Resilience.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        TrackingUri = options.TrackingUri;
        // Timeouts belong to the pipeline (per attempt); HttpClient's own would cut across retries.
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        if (options.InsecureTls)
        {
            // MLFLOW_TRACKING_INSECURE_TLS: as MLflow's client, skip certificate checks (self-signed servers).
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        _probeTimeout = options.Resilience.AttemptTimeout;
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri(options.TrackingUri.GetLeftPart(UriPartial.Path).TrimEnd('/')),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Authorization = Authorization(options);
        Api = RestService.For<IMlflowApi>(_http, new RefitSettings(new SystemTextJsonContentSerializer(MlflowJson.Options)));
        _calls = Pipeline(options.Resilience, options.Resilience.AttemptTimeout);
        _uploads = Pipeline(options.Resilience, options.Resilience.ArtifactAttemptTimeout);
    }

    public Uri TrackingUri { get; }

    public IMlflowApi Api { get; }

    public Task<T> SendAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        Translate(operation, () => _calls.ExecuteAsync(async token => await call(token), cancellationToken).AsTask());

    public Task SendAsync(string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        SendAsync(operation, async token => { await call(token); return true; }, cancellationToken);

    /// <summary>Uploads one file; it is reopened for every attempt so a retry sends it whole.</summary>
    public Task UploadAsync(string serverPath, string localFile, CancellationToken cancellationToken) =>
        Translate($"upload {serverPath}", async () =>
        {
            await _uploads.ExecuteAsync(async token =>
            {
                await using var stream = File.OpenRead(localFile);
                using var content = new StreamContent(stream);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                await Api.UploadArtifactAsync(serverPath, content, token);
            }, cancellationToken);
            return true;
        });

    /// <summary>One attempt, no retries: does the server answer at all? Any answer but 5xx or 429 counts
    /// (a proxy that does not route <c>/health</c> still proves the server is reachable).</summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_probeTimeout);
        try
        {
            using var response = await _http.GetAsync(new Uri(_http.BaseAddress!.ToString().TrimEnd('/') + "/health"), timeout.Token);
            return !IsTransient(response.StatusCode);
        }
        catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    internal static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static async Task<T> Translate<T>(string operation, Func<Task<T>> send)
    {
        try
        {
            return await send();
        }
        catch (ApiException error) when (IsTransient(error.StatusCode))
        {
            throw new MlflowUnavailableException($"{operation}: server answered HTTP {(int)error.StatusCode} after every retry", error);
        }
        catch (ApiException error)
        {
            throw ToMlflowException(operation, error);
        }
        catch (Exception error) when (error is ApiRequestException or HttpRequestException or TimeoutRejectedException or IOException)
        {
            throw new MlflowUnavailableException($"{operation}: {error.Message}", error);
        }
    }

    private static MlflowException ToMlflowException(string operation, ApiException error)
    {
        MlflowErrorBody? body = null;
        try
        {
            body = error.Content is { Length: > 0 } content && content.TrimStart().StartsWith('{')
                ? JsonSerializer.Deserialize<MlflowErrorBody>(content, MlflowJson.Options)
                : null;
        }
        catch (JsonException)
        {
            // Not MLflow's error JSON (a proxy page, an unknown route's HTML): the status says enough.
        }

        var status = (int)error.StatusCode;
        var message = body?.Message ?? (status switch
        {
            403 => "forbidden; MLflow refuses a Host header that is not localhost or a private address unless the server allows it (mlflow server --allowed-hosts)",
            401 => "unauthorised; set MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD",
            404 => "not found; is the tracking URI an MLflow server?",
            _ => error.ReasonPhrase ?? "request failed",
        });
        var firstLine = message.Split('\n')[0];
        return new MlflowException(body?.ErrorCode ?? $"HTTP_{status}", $"{operation}: HTTP {status} {firstLine}", status, error);
    }

    private static ResiliencePipeline Pipeline(MlflowResilienceOptions options, TimeSpan attemptTimeout)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    // Refit wraps failures before any answer (connection refused or reset, an attempt's
                    // timeout cancelling the call) in ApiRequestException.
                    .Handle<ApiRequestException>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<IOException>()
                    .Handle<ApiException>(error => IsTransient(error.StatusCode)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
            });
        }

        // Inside the retry, so each attempt gets its own timeout.
        return builder.AddTimeout(attemptTimeout).Build();
    }

    private static AuthenticationHeaderValue? Authorization(MlflowRestOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return new AuthenticationHeaderValue("Bearer", options.Token);
        }

        if (!string.IsNullOrEmpty(options.Username))
        {
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            return new AuthenticationHeaderValue("Basic", pair);
        }

        return null;
    }
}
