using Workflows.Engine.Tracking;
using Workflows.Tracking.FileStore;
using Workflows.Tracking.Rest;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests;

public sealed class TrackerFactoryTests
{
    private static TrackerFactoryOptions With(string workingDirectory, string? uri) => new()
    {
        WorkingDirectory = workingDirectory,
        GetVariable = name => name == TrackerFactory.TrackingUriVariable ? uri : null,
    };

    [Test]
    public async Task FromEnvironment_UriUnset_WritesAnMlrunsStoreInTheWorkingDirectory()
    {
        using var temp = new TempDirectory();

        var tracker = TrackerFactory.FromEnvironment(With(temp.Path, null));
        var runId = await tracker.StartRunAsync(new TrackingRunStart("e", "r", null, new Dictionary<string, string>()), CancellationToken.None);

        Assert.That(tracker, Is.InstanceOf<MlflowFileStoreTracker>());
        Assert.That(File.Exists(temp.Combine("mlruns", "1", runId, "meta.yaml")), Is.True);
    }

    [Test]
    public void FromEnvironment_HttpUri_TalksToTheServer()
    {
        using var temp = new TempDirectory();

        var tracker = TrackerFactory.FromEnvironment(With(temp.Path, "http://127.0.0.1:5000"));

        Assert.That(tracker, Is.InstanceOf<MlflowRestTracker>());
        ((IDisposable)tracker).Dispose();
    }

    [TestCase("file:///tmp/store", "/tmp/store")]
    [TestCase("./elsewhere", "./elsewhere")]
    [TestCase("", "mlruns")]
    public void FileStorePath_FileUriOrPath_NamesTheFolder(string uri, string expected) =>
        Assert.That(TrackerFactory.FileStorePath(uri), Is.EqualTo(expected));

    [TestCase("sqlite:///mlflow.db")]
    [TestCase("databricks")]
    [TestCase("postgresql://db/mlflow")]
    public void FromEnvironment_UnsupportedBackend_ThrowsNamingTheVariable(string uri)
    {
        using var temp = new TempDirectory();

        var error = Assert.Throws<MlflowException>(() => TrackerFactory.FromEnvironment(With(temp.Path, uri)));

        Assert.That(error!.Message, Does.Contain("MLFLOW_TRACKING_URI"));
    }
}
