"""Storage of surveys (民意测评): the surveys, who they went to, the answers."""
