namespace Workflows.Tracking;

/// <summary>A request MLflow refused for a reason retrying cannot fix (a 4xx answer, a changed param,
/// a bad key), or a tracking URI this client cannot use.</summary>
public sealed class MlflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MlflowException(string errorCode, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    /// <summary>MLflow's <c>error_code</c>, e.g. <c>INVALID_PARAMETER_VALUE</c>, or <c>HTTP_403</c> when the
    /// answer was not MLflow's JSON.</summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status, when the error came from a server.</summary>
    public int? StatusCode { get; }
}
