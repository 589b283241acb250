/** What the user chose for this invocation (backend and its options), shared by all commands. */
package org.optopt.cli.session;
