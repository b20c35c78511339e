// Windows service host for the Cordon agent: starts `node main.js run --config FILE` in a job object (so the agent ends
// with the host) and exits when the agent dies, so the service manager's failure actions restart both. It also owns
// the user pipe: Node cannot give a pipe a security descriptor, and the default one lets users only read. Compiled at
// install time by install-service.ps1 (Add-Type, C# 5).
using System;
using System.Diagnostics;
using System.IO;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Principal;
using System.ServiceProcess;
using System.Text;
using System.Threading;

public sealed class CordonService : ServiceBase
{
    /** The user pipe (the agent's default socketPath, \\.\pipe\cordon) and the agent's relay pipe beside it. */
    private const string UserPipe = "cordon";
    private const string RelayPipe = "cordon-relay";
    /** A client that sends nothing this long is dropped: impersonation needs its first bytes. */
    private const int FirstBytesTimeoutMs = 30000;

    private readonly string[] command;
    private Process agent;
    private IntPtr job = IntPtr.Zero;
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
        job = KillOnCloseJob();
        agent = Process.Start(info);
        // If the host dies (killed, crashed), Windows closes the job handle and ends the agent with it: a new host never
        // finds an old agent holding the pipes.
        if (!AssignProcessToJobObject(job, agent.Handle))
            EventLog.WriteEntry("Cordon: the agent could not be put in the host's job (error " + Marshal.GetLastWin32Error() + "); it may outlive a crashed host.", EventLogEntryType.Warning);
        agent.EnableRaisingEvents = true;
        agent.Exited += (sender, e) =>
        {
            if (stopping) return;
            EventLog.WriteEntry("Cordon agent exited with code " + agent.ExitCode + "; the service restarts it.", EventLogEntryType.Warning);
            Environment.Exit(1);
        };
        var listener = new Thread(ServeUserPipe);
        listener.IsBackground = true;
        listener.Start();
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

    /** SYSTEM and Administrators: full control. Signed-in users: read and write, but not create instances (no squatting). */
    private static PipeSecurity UserPipeSecurity()
    {
        var security = new PipeSecurity();
        security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.LocalSystemSid, null), PipeAccessRights.FullControl, AccessControlType.Allow));
        security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null), PipeAccessRights.FullControl, AccessControlType.Allow));
        security.AddAccessRule(new PipeAccessRule(new SecurityIdentifier(WellKnownSidType.AuthenticatedUserSid, null), PipeAccessRights.ReadWrite, AccessControlType.Allow));
        return security;
    }

    /** Whether a pipe of that name exists already (someone else's, if the host has not made it yet). */
    private static bool PipeExists(string name)
    {
        try
        {
            foreach (var path in Directory.GetFiles(@"\\.\pipe\"))
                if (string.Equals(Path.GetFileName(path), name, StringComparison.OrdinalIgnoreCase)) return true;
        }
        catch (Exception)
        {
            // Listing pipes failed: creating the pipe is still tried, and fails if the name is held.
        }
        return false;
    }

    private void ServeUserPipe()
    {
        var security = UserPipeSecurity();
        var first = true;
        while (!stopping)
        {
            if (first && PipeExists(UserPipe))
            {
                // Another process made the pipe first and would receive the users' requests: wait until it is gone.
                EventLog.WriteEntry("Cordon: another process holds \\\\.\\pipe\\" + UserPipe + "; the tray cannot reach the agent until it closes it.", EventLogEntryType.Error);
                Thread.Sleep(5000);
                continue;
            }
            NamedPipeServerStream client;
            try
            {
                client = new NamedPipeServerStream(UserPipe, PipeDirection.InOut, NamedPipeServerStream.MaxAllowedServerInstances,
                    PipeTransmissionMode.Byte, PipeOptions.Asynchronous, 0, 0, security);
                first = false;
                client.WaitForConnection();
            }
            catch (Exception e)
            {
                if (stopping) return;
                EventLog.WriteEntry("Cordon: the user pipe failed: " + e.Message, EventLogEntryType.Warning);
                Thread.Sleep(1000);
                continue;
            }
            var relay = new Thread(() => Relay(client));
            relay.IsBackground = true;
            relay.Start();
        }
    }

    /**
     * One client: its first bytes are read (Windows lets a pipe server impersonate its client only after reading from
     * it), its account is taken from its token, and the agent's relay pipe gets a line naming it, then everything the
     * client sends, and the client everything the agent answers.
     */
    private void Relay(NamedPipeServerStream client)
    {
        NamedPipeClientStream toAgent = null;
        try
        {
            var buffer = new byte[65536];
            var read = client.ReadAsync(buffer, 0, buffer.Length);
            if (!read.Wait(FirstBytesTimeoutMs) || read.Result <= 0) return;
            string sid = null;
            string account = null;
            client.RunAsClient(() =>
            {
                using (var identity = WindowsIdentity.GetCurrent())
                {
                    sid = identity.User.Value;
                    account = identity.Name;
                }
            });
            toAgent = new NamedPipeClientStream(".", RelayPipe, PipeDirection.InOut, PipeOptions.None, TokenImpersonationLevel.Identification);
            toAgent.Connect(5000);
            uint server;
            // The relay pipe must be the agent's own: a pipe someone made first under that name would hear who is asking.
            if (!GetNamedPipeServerProcessId(toAgent.SafePipeHandle.DangerousGetHandle(), out server) || server != (uint)agent.Id) return;
            var header = Encoding.UTF8.GetBytes("{\"peer\":{\"sid\":" + Json(sid) + ",\"account\":" + Json(account) + "}}\n");
            toAgent.Write(header, 0, header.Length);
            toAgent.Write(buffer, 0, read.Result);
            var agentSide = toAgent;
            var back = new Thread(() => Copy(agentSide, client));
            back.IsBackground = true;
            back.Start();
            Copy(client, toAgent);
        }
        catch (Exception)
        {
            // A client that went away, or an agent restarting: the client reconnects.
        }
        finally
        {
            if (toAgent != null) toAgent.Dispose();
            client.Dispose();
        }
    }

    private static void Copy(Stream from, Stream to)
    {
        var buffer = new byte[65536];
        try
        {
            int n;
            while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                to.Write(buffer, 0, n);
                to.Flush();
            }
        }
        catch (Exception)
        {
            // Either side closed.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /** A JSON string: account names may hold characters JSON escapes (a backslash always, between domain and name). */
    private static string Json(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoCounters
    {
        public ulong ReadOperationCount, WriteOperationCount, OtherOperationCount, ReadTransferCount, WriteTransferCount, OtherTransferCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct BasicLimitInformation
    {
        public long PerProcessUserTimeLimit, PerJobUserTimeLimit;
        public uint LimitFlags;
        public UIntPtr MinimumWorkingSetSize, MaximumWorkingSetSize;
        public uint ActiveProcessLimit;
        public UIntPtr Affinity;
        public uint PriorityClass, SchedulingClass;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ExtendedLimitInformation
    {
        public BasicLimitInformation BasicLimitInformation;
        public IoCounters IoInfo;
        public UIntPtr ProcessMemoryLimit, JobMemoryLimit, PeakProcessMemoryUsed, PeakJobMemoryUsed;
    }

    private const int JobObjectExtendedLimitInformation = 9;
    private const uint JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;

    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    private static extern IntPtr CreateJobObject(IntPtr attributes, string name);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool SetInformationJobObject(IntPtr job, int infoClass, ref ExtendedLimitInformation info, uint length);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool AssignProcessToJobObject(IntPtr job, IntPtr process);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool GetNamedPipeServerProcessId(IntPtr pipe, out uint serverProcessId);

    /** A job whose processes all end when its last handle closes, which happens when this host process ends. */
    private static IntPtr KillOnCloseJob()
    {
        var handle = CreateJobObject(IntPtr.Zero, null);
        if (handle == IntPtr.Zero) throw new InvalidOperationException("CreateJobObject failed: " + Marshal.GetLastWin32Error());
        var info = new ExtendedLimitInformation();
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        if (!SetInformationJobObject(handle, JobObjectExtendedLimitInformation, ref info, (uint)Marshal.SizeOf(typeof(ExtendedLimitInformation))))
            throw new InvalidOperationException("SetInformationJobObject failed: " + Marshal.GetLastWin32Error());
        return handle;
    }

    public static void Main(string[] args)
    {
        if (args.Length < 2) throw new ArgumentException("usage: CordonService.exe NODE MAIN_JS run --config FILE");
        Run(new CordonService(args));
    }
}
