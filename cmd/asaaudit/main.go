// Command asaaudit audits Cisco ASA configurations for what breaks SIP behind the firewall.
package main

import (
	"os"

	"github.com/asaaudit/asaaudit/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.System()))
}
