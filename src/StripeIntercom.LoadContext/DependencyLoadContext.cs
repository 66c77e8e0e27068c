using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace StripeIntercom.LoadContext
{
    /// <summary>
    /// One private load context for the module's third-party assemblies (Stripe.net, Polly, Microsoft.Extensions.*,
    /// System.Text.Json and what they need), rooted at the module's dependencies/ folder. Whatever another module or
    /// the host loaded into the default context, the module's assemblies get these copies, and the module's copies
    /// never become visible to anyone else.
    /// </summary>
    /// <remarks>
    /// The module's own assemblies (the cmdlets and the library) stay in the default context, so PowerShell sees
    /// their public types (type literals, formatting). Their requests for a dependency reach
    /// <see cref="Resolve"/> through the module's AssemblyResolve handler, and the dependencies' requests for each
    /// other reach <see cref="Load"/>. One exception keeps types identical on both sides: an assembly the host
    /// itself carries in its trusted platform assemblies (the .NET runtime, PowerShell's own folder) at the same
    /// version or a higher one is taken from the host, because the default context hands that copy to the module's
    /// own assemblies too. Nothing another module loads can change that list.
    /// </remarks>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, DependencyLoadContext> Contexts = new Dictionary<string, DependencyLoadContext>(StringComparer.Ordinal);

        private readonly Dictionary<string, string> _files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, bool> _fromHost = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _platform;

        private DependencyLoadContext(string directory)
            : base("StripeIntercom", isCollectible: false)
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.dll"))
            {
                _files[Path.GetFileNameWithoutExtension(file)] = file;
            }

            _platform = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
            foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                _platform[Path.GetFileNameWithoutExtension(path)] = path;
            }
        }

        /// <summary>
        /// The resolver the module's AssemblyResolve handler calls (a plain delegate, so the netstandard2.0 cmdlet
        /// assembly needs no reference to this one): the private copy of a dependency, or null when the module
        /// does not ship that assembly.
        /// </summary>
        public static Func<AssemblyName, Assembly?> CreateResolver(string dependencyDirectory)
        {
            var context = For(dependencyDirectory);
            return context.Resolve;
        }

        /// <summary>The context of a dependencies/ folder: one for the process, however often the module is imported.</summary>
        public static DependencyLoadContext For(string dependencyDirectory)
        {
            var directory = Path.GetFullPath(dependencyDirectory);
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

        /// <summary>A dependency for one of the module's own assemblies (in the default context).</summary>
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
}
