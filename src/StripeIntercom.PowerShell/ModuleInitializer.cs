using System.Management.Automation;
using System.Reflection;

namespace StripeIntercom.PowerShell;

/// <summary>
/// Keeps the module's third-party assemblies (under dependencies/) apart from whatever the host and other modules
/// load, in the way PSResourceGet's ModuleInitAndCleanup does on PowerShell 7 (the only host the manifest accepts).
/// StripeIntercom.psm1 has already loaded this assembly into the module's private AssemblyLoadContext
/// (StripeIntercom.LoadContext.dll, a small net8.0 assembly, because netstandard2.0 cannot derive from
/// AssemblyLoadContext), which resolves the library and every dependency itself: nothing to do here. Another module's
/// Polly or Microsoft.Extensions.Logging, older or newer, loaded before or after this one, is never used by this
/// module and never sees its copies. Only when the .dll was imported on its own, into the default context, does the
/// handler below hand the requests of the module's own assemblies to that private context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string LibraryName = "StripeIntercom";
    private const string LoadContextName = "StripeIntercom.LoadContext";

    private static readonly object Gate = new object();
    private static readonly string ModuleDirectory =
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";

    private static Func<AssemblyName, Assembly?>? _privateResolver;
    private static bool _registered;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_registered || IsInPrivateContext())
            {
                return;
            }

            _privateResolver = CreatePrivateResolver();
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

    /// <summary>
    /// Answers only the module's own assemblies (the cmdlets and the library); a request that does not say who asked
    /// is answered only for the library itself.
    /// </summary>
    private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name);
        var requester = args.RequestingAssembly?.GetName().Name ?? name.Name;
        var fromModule = string.Equals(requester, LibraryName, StringComparison.OrdinalIgnoreCase)
                         || (args.RequestingAssembly is not null && string.Equals(requester,
                             typeof(ModuleInitializer).Assembly.GetName().Name, StringComparison.OrdinalIgnoreCase));
        return fromModule && !string.IsNullOrEmpty(name.Name) ? _privateResolver?.Invoke(name) : null;
    }
}
