using System.Diagnostics;

namespace Workflows.Cli.Tests;

/// <summary>Runs `wf` as a separate process (the wf.dll built beside the tests), for what only two real
/// processes can show: locks, a killed run, a second run waiting for the first.</summary>
internal sealed class WfProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _out;
    private readonly Task<string> _error;

    private WfProcess(Process process)
    {
        _process = process;
        _out = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    public static WfProcess Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wf.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["CI"] = "true";
        info.Environment.Remove("MLFLOW_TRACKING_URI");
        return new WfProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the process to end; returns its exit code and output.</summary>
    public WfCommand.Result Wait(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"wf did not end within {timeout.TotalSeconds}s; output: {_out.Result}{_error.Result}");
        }
        return new WfCommand.Result(_process.ExitCode, _out.Result, _error.Result);
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash or an out-of-memory kill would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
