print("bizcached")
