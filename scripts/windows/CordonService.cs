// Windows service host for the Cordon agent: starts `node main.js run --config FILE` and exits when it dies so the
// service manager's failure actions restart it. Compiled at install time by install-service.ps1 (Add-Type).
using System;
using System.Diagnostics;
using System.ServiceProcess;
using System.Text;

public sealed class CordonService : ServiceBase
{
    private readonly string[] command;
    private Process agent;
    private volatile bool stopping;

    public CordonService(string[] command)
    {
        this.command = command;
        ServiceName = "Cordon";
        CanStop = true;
        CanShutdown = true;
    }

    private static string Quote(string arg)
    {
        return "\"" + arg.Replace("\"", "\\\"") + "\"";
    }

    protected override void OnStart(string[] args)
    {
        var arguments = new StringBuilder();
        for (var i = 1; i < command.Length; i++) arguments.Append(i > 1 ? " " : "").Append(Quote(command[i]));
        var info = new ProcessStartInfo(command[0], arguments.ToString())
        {
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.EnvironmentVariables["ELECTRON_RUN_AS_NODE"] = "1";
        agent = Process.Start(info);
        agent.EnableRaisingEvents = true;
        agent.Exited += (sender, e) =>
        {
            if (stopping) return;
            EventLog.WriteEntry("Cordon agent exited with code " + agent.ExitCode + "; the service restarts it.", EventLogEntryType.Warning);
            Environment.Exit(1);
        };
    }

    protected override void OnStop()
    {
        stopping = true;
        if (agent == null || agent.HasExited) return;
        // Windows offers a console-less child no SIGTERM. Quarantine is journaled and finished or rolled back at the
        // next start, so ending the agent here loses nothing.
        agent.Kill();
        agent.WaitForExit(15000);
    }

    protected override void OnShutdown()
    {
        OnStop();
    }

    public static void Main(string[] args)
    {
        if (args.Length < 2) throw new ArgumentException("usage: CordonService.exe NODE MAIN_JS run --config FILE");
        Run(new CordonService(args));
    }
}
