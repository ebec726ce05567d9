namespace Workflows.Tracking.Rest;

/// <summary>The server could not be reached or kept failing (timeouts, connection errors, 429, 5xx) after
/// every retry: what was being sent belongs in the spool, not in an error report.</summary>
internal sealed class MlflowUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
