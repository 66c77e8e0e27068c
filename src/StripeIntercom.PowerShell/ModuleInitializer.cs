using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace StripeIntercom.PowerShell
{
    /// <summary>
    /// Resolves the module's third-party assemblies from its own dependencies/ folder. They live apart from the
    /// module so the host's probing never picks them up by accident; when the host already carries an assembly
    /// (PowerShell 7 ships Newtonsoft.Json and System.Text.Json, for example), the host's copy wins and this
    /// resolver is never asked. Loading by simple name, whatever version was asked for, stands in for the binding
    /// redirects Windows PowerShell 5.1 would otherwise need.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly string ModuleDirectory =
            Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".";

        private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "dependencies");

        public void OnImport() => AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;

        public void OnRemove(PSModuleInfo module) => AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;

        private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            foreach (var directory in new[] { DependencyDirectory, ModuleDirectory })
            {
                var candidate = Path.Combine(directory, name + ".dll");
                if (File.Exists(candidate))
                {
                    return Assembly.LoadFrom(candidate);
                }
            }

            return null;
        }
    }
}
