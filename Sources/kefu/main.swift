import Foundation
import KefuServer

// `kefu serve` (default), `kefu setup`, `kefu demo`, `kefu migrate`, `kefu routes`.
exit(await KefuMain.run(arguments: CommandLine.arguments))
