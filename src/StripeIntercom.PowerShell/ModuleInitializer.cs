using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace StripeIntercom.PowerShell;

/// <summary>
/// Keeps the module's third-party assemblies (under dependencies/) apart from whatever the host and other modules
/// load, in the way PSResourceGet's ModuleInitAndCleanup does.
/// <list type="bullet">
/// <item>PowerShell 7: StripeIntercom.psm1 has already loaded this assembly into the module's private
/// AssemblyLoadContext (StripeIntercom.LoadContext.dll, a small net8.0 assembly, because netstandard2.0 cannot
/// derive from AssemblyLoadContext), which resolves the library and every dependency itself: nothing to do here.
/// Another module's Polly or Microsoft.Extensions.Logging, older or newer, loaded before or after this one, is
/// never used by this module and never sees its copies. Only when the .dll was imported on its own, into the
/// default context, does the handler below hand the module's requests to that private context.</item>
/// <item>Windows PowerShell 5.1: there are no load contexts; the handler loads the shipped file with LoadFrom, by
/// simple name (standing in for the binding redirects the host cannot have), and only when the request comes from
/// the module's own assemblies or from a dependency it loaded itself.</item>
/// </list>
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string LibraryName = "StripeIntercom";
    private const string LoadContextName = "StripeIntercom.LoadContext";

    private static readonly object Gate = new object();
    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";
    private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "dependencies");
    private static readonly bool IsNetFramework =
        string.Equals(typeof(object).Assembly.GetName().Name, "mscorlib", StringComparison.Ordinal);

    private static HashSet<string>? _shipped;
    private static Func<AssemblyName, Assembly?>? _privateResolver;
    private static bool _registered;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            if (!IsNetFramework && IsInPrivateContext())
            {
                return;
            }

            _shipped = ReadShippedNames();
            if (!IsNetFramework)
            {
                _privateResolver = CreatePrivateResolver();
            }

            AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
            _registered = true;
        }
    }

    public void OnRemove(PSModuleInfo module)
    {
        lock (Gate)
        {
            AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
            _registered = false;
        }
    }

    private static HashSet<string> ReadShippedNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (Directory.Exists(DependencyDirectory))
        {
            foreach (var file in Directory.GetFiles(DependencyDirectory, "*.dll"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        return names;
    }

    private static bool IsInPrivateContext()
    {
        // AssemblyLoadContext.GetLoadContext(this assembly).Name, by reflection: netstandard2.0 has no such type.
        var contextType = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext");
        var getLoadContext = contextType?.GetMethod("GetLoadContext", BindingFlags.Public | BindingFlags.Static);
        var context = getLoadContext?.Invoke(null, new object[] { typeof(ModuleInitializer).Assembly });
        var name = context?.GetType().GetProperty("Name")?.GetValue(context) as string;
        return string.Equals(name, LibraryName, StringComparison.Ordinal);
    }

    private static Func<AssemblyName, Assembly?> CreatePrivateResolver()
    {
        // Loaded into the default context by path: it holds the one private context for the process.
        var bridge = Assembly.LoadFrom(Path.Combine(ModuleDirectory, LoadContextName + ".dll"));
        var type = bridge.GetType("StripeIntercom.LoadContext.DependencyLoadContext", throwOnError: true)!;
        var create = type.GetMethod("CreateResolver", BindingFlags.Public | BindingFlags.Static)!;
        return (Func<AssemblyName, Assembly?>)create.Invoke(null, new object[] { ModuleDirectory })!;
    }

    private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name);
        if (string.IsNullOrEmpty(name.Name) || !IsRequestFromModule(args.RequestingAssembly, name))
        {
            return null;
        }

        if (_privateResolver is not null)
        {
            return _privateResolver(name);
        }

        if (string.Equals(name.Name, LibraryName, StringComparison.OrdinalIgnoreCase))
        {
            // The library sits beside the cmdlets, in the default context with them.
            var library = Path.Combine(ModuleDirectory, LibraryName + ".dll");
            return File.Exists(library) ? Assembly.LoadFrom(library) : null;
        }

        if (_shipped is null || !_shipped.Contains(name.Name!))
        {
            return null;
        }

        return Assembly.LoadFrom(Path.Combine(DependencyDirectory, name.Name + ".dll"));
    }

    private static bool IsRequestFromModule(Assembly? requesting, AssemblyName requested)
    {
        if (requesting is null)
        {
            // Windows PowerShell does not always say who asked: answer only for the library, or for a shipped
            // assembly asked for by its exact shipped version.
            if (string.Equals(requested.Name, LibraryName, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            return IsNetFramework && _shipped is not null && _shipped.Contains(requested.Name!)
                   && IsShippedVersion(requested);
        }

        var requester = requesting.GetName().Name;
        if (string.Equals(requester, LibraryName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(
                requester, typeof(ModuleInitializer).Assembly.GetName().Name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // On Windows PowerShell a dependency's own dependencies come through here as well (on PowerShell 7 the
        // private context answers them): answer for those the module loaded from its own folder.
        return IsNetFramework && IsInDependencyDirectory(requesting);
    }

    private static bool IsShippedVersion(AssemblyName requested)
    {
        if (requested.Version is null)
        {
            return true;
        }

        var path = Path.Combine(DependencyDirectory, requested.Name + ".dll");
        return File.Exists(path) && AssemblyName.GetAssemblyName(path).Version == requested.Version;
    }

    private static bool IsInDependencyDirectory(Assembly assembly)
    {
        try
        {
            var location = assembly.Location;
            return !string.IsNullOrEmpty(location)
                   && string.Equals(Path.GetDirectoryName(Path.GetFullPath(location)),
                       Path.GetFullPath(DependencyDirectory), StringComparison.OrdinalIgnoreCase);
        }
        catch (NotSupportedException)
        {
            // Dynamic assemblies have no location.
            return false;
        }
    }
}
