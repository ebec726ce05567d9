using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Workflows.Tracking.Tests.Support;

/// <summary>An in-process MLflow REST server on 127.0.0.1 and a random free port, with the real server's
/// request checks (Host, Content-Type) and fault injection: failing answers, slow answers, and a
/// "dead" mode that drops every connection.</summary>
internal sealed class MlflowTestServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Func<HttpListenerContext, Task<bool>>> _faults = new();
    private readonly ConcurrentQueue<TimeSpan> _slowAnswers = new();
    private readonly CancellationTokenSource _stop = new();

    public MlflowTestServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public Uri Uri => new($"http://127.0.0.1:{Port}");

    public MlflowTestBackend Backend { get; } = new();

    /// <summary>Every request received: method, path and query, content type, authorization, body.</summary>
    public ConcurrentQueue<(string Method, string Path, string? ContentType, string? Authorization, string Body)> Requests { get; } = new();

    /// <summary>Hosts the Host header may name (MLflow allows localhost and private addresses).</summary>
    public HashSet<string> AllowedHosts { get; } = ["localhost", "127.0.0.1"];

    /// <summary>While true nothing listens on the port (connections are refused), like a server that
    /// died; set back to false, it listens again on the same port with the same state.</summary>
    public bool Dead
    {
        get => !_listener.IsListening;
        set
        {
            lock (_listener)
            {
                if (value && _listener.IsListening)
                {
                    _listener.Stop();
                }
                else if (!value && !_listener.IsListening)
                {
                    _listener.Start();
                    _ = Task.Run(AcceptLoopAsync);
                }
            }
        }
    }

    /// <summary>The next <paramref name="count"/> API calls get HTTP <paramref name="status"/> with an
    /// MLflow error body carrying <paramref name="errorCode"/>.</summary>
    public void FailNext(int count, int status, string errorCode = "INTERNAL_ERROR")
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(async context =>
            {
                await WriteAsync(context.Response, status, $"{{\"error_code\": \"{errorCode}\", \"message\": \"injected\"}}");
                return true;
            });
        }
    }

    public IEnumerable<string> Paths(string method) => Requests.Where(r => r.Method == method).Select(r => r.Path.Split('?')[0]);

    /// <summary>The next <paramref name="count"/> API calls are carried out, but their answer comes only
    /// after <paramref name="delay"/>: a client that times out meanwhile does not know they happened.</summary>
    public void DelayAnswerOfNext(int count, TimeSpan delay)
    {
        for (var i = 0; i < count; i++)
        {
            _slowAnswers.Enqueue(delay);
        }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // Stopped (Dead): a new loop starts when it comes back.
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        var raw = buffer.ToArray();
        Requests.Enqueue((request.HttpMethod, request.Url!.PathAndQuery, request.ContentType, request.Headers["Authorization"], Encoding.UTF8.GetString(raw)));
        try
        {
            if (_faults.TryDequeue(out var fault) && await fault(context))
            {
                return;
            }

            var host = request.UserHostName.Split(':')[0];
            if (!AllowedHosts.Contains(host))
            {
                await WriteAsync(context.Response, 403, "Invalid Host header - possible DNS rebinding attack detected", "text/plain");
                return;
            }

            if (request.HttpMethod == "POST" && request.ContentType?.Split(';')[0].Trim() != "application/json")
            {
                await WriteAsync(context.Response, 400, "{\"error_code\": \"BAD_REQUEST\", \"message\": \"Bad Request. Content-Type must be one of ['application/json'].\"}");
                return;
            }

            var query = new JsonObject();
            foreach (var key in request.QueryString.AllKeys.OfType<string>())
            {
                query[key] = request.QueryString[key];
            }

            // MLflow 3.11 reads a chunked body (no Content-Length) as empty and answers as if nothing was sent.
            var chunked = request.Headers["Transfer-Encoding"]?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;
            var body = request.HttpMethod == "POST" ? (chunked ? new JsonObject() : JsonNode.Parse(raw)?.AsObject()) : null;
            var (status, answer) = Backend.Handle(request.HttpMethod, request.Url.AbsolutePath, query, body, raw);
            if (_slowAnswers.TryDequeue(out var delay))
            {
                await Task.Delay(delay);
            }

            await WriteAsync(context.Response, Math.Abs(status), answer, status < 0 ? "text/html" : "application/json");
        }
        catch (Exception error) when (error is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (timed out): nothing to answer.
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, int status, string body, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }
}
