using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace StripeIntercom.LoadContext;

/// <summary>
/// One private load context for the whole module on PowerShell 7: the cmdlet assembly, the library and every
/// third-party assembly under dependencies/ (Stripe.net, Polly, Microsoft.Extensions.*, System.Text.Json and what
/// they need). Whatever another module loaded into the default context, before or after this one, the module binds
/// to its own copies, and nobody else ever binds to them.
/// </summary>
/// <remarks>
/// Why the cmdlets too: an assembly in the default context binds by name to whatever the default context already
/// holds, so a library there would run on another module's Polly.Core (every 8.x has assembly version 8.0.0.0)
/// and the cmdlets on its Microsoft.Extensions.Logging.Abstractions. StripeIntercom.psm1 loads the cmdlet assembly
/// here and imports it with Import-Module -Assembly; PowerShell's own assemblies and the .NET runtime still come
/// from the default context. One exception keeps types identical with the host: an assembly the host itself carries
/// in its trusted platform assemblies (the runtime, PowerShell's folder) at the same or a higher version is taken
/// from the host. Nothing another module loads can change that list.
/// </remarks>
public sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new object();
    private static readonly Dictionary<string, DependencyLoadContext> Contexts =
        new Dictionary<string, DependencyLoadContext>(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _files =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, bool> _fromHost =
        new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _platform;

    private DependencyLoadContext(string moduleDirectory)
        : base("StripeIntercom", isCollectible: false)
    {
        var self = typeof(DependencyLoadContext).Assembly.GetName().Name;
        foreach (var directory in new[] { moduleDirectory, Path.Combine(moduleDirectory, "dependencies") })
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (!string.Equals(name, self, StringComparison.OrdinalIgnoreCase))
                {
                    _files[name] = file;
                }
            }
        }

        _platform = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            _platform[Path.GetFileNameWithoutExtension(path)] = path;
        }
    }

    /// <summary>
    /// The module's cmdlet assembly, loaded into the module's private context (StripeIntercom.psm1 imports it).
    /// </summary>
    public static Assembly LoadModule(string moduleDirectory, string assemblyName)
        => For(moduleDirectory).LoadFromAssemblyName(new AssemblyName(assemblyName));

    /// <summary>
    /// A resolver for when the cmdlet assembly was imported straight into the default context (Import-Module on
    /// the .dll rather than the manifest): the module's AssemblyResolve handler hands its own assemblies' requests
    /// to it. A plain delegate, so the netstandard2.0 cmdlet assembly needs no reference to this one.
    /// </summary>
    public static Func<AssemblyName, Assembly?> CreateResolver(string moduleDirectory)
    {
        var context = For(moduleDirectory);
        return context.Resolve;
    }

    /// <summary>Whether an assembly was loaded by a module's private context.</summary>
    public static bool IsPrivate(Assembly assembly) => GetLoadContext(assembly) is DependencyLoadContext;

    /// <summary>The context of a module folder: one for the process, however often the module is imported.</summary>
    public static DependencyLoadContext For(string moduleDirectory)
    {
        var directory = Path.GetFullPath(moduleDirectory);
        lock (Gate)
        {
            if (!Contexts.TryGetValue(directory, out var context))
            {
                context = new DependencyLoadContext(directory);
                Contexts[directory] = context;
            }

            return context;
        }
    }

    /// <summary>Whether the module ships this assembly under dependencies/.</summary>
    public bool Ships(string simpleName) => _files.ContainsKey(simpleName);

    /// <summary>A dependency for one of the module's own assemblies loaded into the default context.</summary>
    public Assembly? Resolve(AssemblyName name)
    {
        if (name.Name is null || !_files.ContainsKey(name.Name))
        {
            return null;
        }

        return LoadFromAssemblyName(name);
    }

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null || !_files.TryGetValue(name.Name, out var path) || IsCarriedByHost(name.Name, path))
        {
            // Not ours, or the host's copy is the one the module's own assemblies bind to: the default context.
            return null;
        }

        return LoadFromAssemblyPath(path);
    }

    private bool IsCarriedByHost(string simpleName, string shippedPath)
    {
        lock (_fromHost)
        {
            if (_fromHost.TryGetValue(simpleName, out var known))
            {
                return known;
            }

            var fromHost = false;
            if (_platform.TryGetValue(simpleName, out var hostPath))
            {
                var hostVersion = AssemblyName.GetAssemblyName(hostPath).Version ?? new Version();
                var shippedVersion = AssemblyName.GetAssemblyName(shippedPath).Version ?? new Version();
                fromHost = hostVersion >= shippedVersion;
            }

            _fromHost[simpleName] = fromHost;
            return fromHost;
        }
    }
}
