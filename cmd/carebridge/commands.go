package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one command or verb of the command line. A command has either
// verbs or setup: a command made of verbs only chooses among them.
type command struct {
	name    string // as typed: "deadletters", "list"
	args    string // what follows the name in its usage line: "--config FILE [--json]"
	summary string // one line, in its parent's list
	about   string // what it does, reads and writes, for its --help
	// setup declares the command's flags on fs and returns what runs it
	// with the arguments left after them.
	setup func(fs *flag.FlagSet, io stdio) func(ctx context.Context, args []string) error
	verbs []*command
}

// verb returns the verb called name, or nil.
func (c *command) verb(name string) *command {
	for _, v := range c.verbs {
		if v.name == name {
			return v
		}
	}
	return nil
}

// verbNames lists the verbs as "a, b or c".
func (c *command) verbNames() string {
	names := make([]string, len(c.verbs))
	for i, v := range c.verbs {
		names[i] = v.name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

// dispatch runs the command at path (the words typed so far, "carebridge"
// first) with args. --help or -h anywhere a flag may stand prints the
// command's help on out and returns errHelp.
func dispatch(ctx context.Context, c *command, path []string, args []string, std stdio) error {
	if c.setup == nil {
		if len(args) == 0 {
			return usageError{path: path, msg: fmt.Sprintf("which one? %s", c.verbNames())}
		}
		if isHelp(args[0]) {
			printHelp(std.out, c, path)
			return errHelp
		}
		v := c.verb(args[0])
		if v == nil {
			return usageError{path: path, msg: fmt.Sprintf("unknown %s %q: %s", kindOfVerb(path), args[0], c.verbNames())}
		}
		return dispatch(ctx, v, append(slices.Clip(path), v.name), args[1:], std)
	}
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, below; help by printHelp
	run := c.setup(fs, std)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		printHelp(std.out, c, path)
		return errHelp
	} else if err != nil {
		return usageError{path: path, msg: err.Error()}
	}
	err := run(ctx, fs.Args())
	var ue usageError
	if errors.As(err, &ue) && ue.path == nil {
		ue.path = path
		return ue
	}
	return err
}

// kindOfVerb names what the words after path are: commands at the top,
// verbs below.
func kindOfVerb(path []string) string {
	if len(path) == 1 {
		return "command"
	}
	return "verb"
}

// printHelp writes a command's help: its usage line, what it does, then its
// verbs or its flags.
//
//	Usage: carebridge deadletters list --config FILE [--json]
//
//	<about>
//
//	Flags:
//	  --config FILE
//	        configuration file (YAML); default $CAREBRIDGE_CONFIG
func printHelp(w io.Writer, c *command, path []string) {
	name := strings.Join(path, " ")
	args := c.args
	if c.setup == nil {
		args = "<" + kindOfVerb(path) + "> [flags]"
	}
	fmt.Fprintf(w, "Usage: %s\n\n", strings.TrimSpace(name+" "+args))
	fmt.Fprintln(w, strings.TrimSpace(c.about))
	if c.setup == nil {
		fmt.Fprintf(w, "\n%ss:\n", capitalize(kindOfVerb(path)))
		width := 0
		for _, v := range c.verbs {
			width = max(width, len(v.name))
		}
		for _, v := range c.verbs {
			fmt.Fprintf(w, "  %-*s  %s\n", width, v.name, v.summary)
		}
		fmt.Fprintf(w, "\nRun '%s <%s> --help' for what each does and its flags.\n", name, kindOfVerb(path))
		return
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c.setup(fs, stdio{})
	fmt.Fprintln(w, "\nFlags:")
	printFlags(w, fs)
}

// printFlags lists fs's flags with their value names, meanings and
// defaults; -h and --help are always there.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if value != "" {
			line += " " + strings.ToUpper(value)
		}
		fmt.Fprintln(w, line)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "        %s\n", usage)
	})
	fmt.Fprintln(w, "  -h, --help\n        print this help")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// walk calls fn for c and every command below it, with its path.
func walk(c *command, path []string, fn func(c *command, path []string)) {
	fn(c, path)
	for _, v := range c.verbs {
		walk(v, append(slices.Clip(path), v.name), fn)
	}
}
