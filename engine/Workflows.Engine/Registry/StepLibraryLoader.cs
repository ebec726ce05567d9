using System.Reflection;
using System.Runtime.Loader;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Registry;

/// <summary>Loads external step assemblies named under <c>libraries:</c> and registers their steps.</summary>
public static class StepLibraryLoader
{
    /// <summary>Loads each assembly and registers every public <see cref="IStepLibrary"/> in it.</summary>
    /// <exception cref="StepLibraryException">A file is missing, is not a .NET assembly, holds no step
    /// library, or defines a step type that is already registered.</exception>
    public static void Load(StepRegistry registry, string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
            throw new StepLibraryException($"step library '{assemblyPath}' not found; build it first (dotnet build) or fix the path under 'libraries:'");
        Assembly assembly;
        try
        {
            assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => !a.IsDynamic && string.Equals(a.Location, full, StringComparison.Ordinal))
                ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new StepLibraryException($"step library '{assemblyPath}' is not a loadable .NET assembly: {e.Message}", e);
        }
        var libraries = LibraryTypes(assembly, assemblyPath);
        if (libraries.Count == 0)
            throw new StepLibraryException($"step library '{assemblyPath}' has no public class implementing IStepLibrary");
        foreach (var type in libraries)
            registry.AddLibrary((IStepLibrary)Activator.CreateInstance(type)!);
    }

    private static List<Type> LibraryTypes(Assembly assembly, string path)
    {
        try
        {
            return assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IStepLibrary).IsAssignableFrom(t))
                .ToList();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or TypeLoadException)
        {
            throw new StepLibraryException($"step library '{path}' references something that cannot be loaded ({e.Message}); ship its dependencies beside it", e);
        }
    }
}
