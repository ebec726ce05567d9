namespace Workflows.Engine.Tracking;

/// <summary>A model version to register from a run's artifacts.</summary>
/// <param name="Name">The registered model's name (<c>register_as</c>).</param>
/// <param name="ArtifactPath">The model's folder inside the run's artifacts, e.g. <c>package</c>.</param>
/// <param name="Tags">Version tags: the workflow fingerprint, run id and the evaluation metrics of the run.</param>
/// <param name="Aliases">Aliases moved to this version (e.g. <c>champion</c>); empty for none.</param>
public sealed record ModelRegistration(
    string Name,
    string ArtifactPath,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Aliases)
{
    public static ModelRegistration Plain(string name, string artifactPath) =>
        new(name, artifactPath, new Dictionary<string, string>(), []);
}
